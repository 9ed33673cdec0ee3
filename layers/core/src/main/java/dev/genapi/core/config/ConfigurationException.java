package dev.genapi.core.config;

/** A function cannot start because its configuration is missing or wrong. Thrown at init, never per request. */
public class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
