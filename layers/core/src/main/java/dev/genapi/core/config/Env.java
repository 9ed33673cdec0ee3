package dev.genapi.core.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A function's environment variables, read with typed getters that fail at start-up with the variable's
 * name in the message. Lambda passes {@link System#getenv()}; the local stack and tests pass a map built
 * from template.yaml.
 */
public final class Env {

    private final Map<String, String> values;
    private final Set<String> namesRead = new LinkedHashSet<>();

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public String require(String name) {
        String value = read(name);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("environment variable " + name + " is not set");
        }
        return value.trim();
    }

    public String get(String name, String fallback) {
        String value = read(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public boolean isSet(String name) {
        String value = read(name);
        return value != null && !value.isBlank();
    }

    public int intValue(String name, int fallback, int min, int max) {
        String raw = get(name, null);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw new ConfigurationException(name + " must be between " + min + " and " + max + ", was " + raw);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be an integer, was '" + raw + "'");
        }
    }

    public Duration seconds(String name, int fallback, int min, int max) {
        return Duration.ofSeconds(intValue(name, fallback, min, max));
    }

    public boolean flag(String name, boolean fallback) {
        String raw = get(name, null);
        if (raw == null) {
            return fallback;
        }
        return switch (raw.toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(name + " must be true or false, was '" + raw + "'");
        };
    }

    /** A comma-separated list, blanks dropped. */
    public List<String> list(String name) {
        String raw = get(name, "");
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Every name looked up so far: lets a test prove that template.yaml sets what the code reads. */
    public Set<String> namesRead() {
        return Set.copyOf(namesRead);
    }

    private String read(String name) {
        namesRead.add(name);
        return values.get(name);
    }
}
