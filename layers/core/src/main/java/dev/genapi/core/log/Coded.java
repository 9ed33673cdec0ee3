package dev.genapi.core.log;

/** An exception that names its own error code, which the log records in place of a message. */
public interface Coded {
    String errorCode();
}
