package dev.genapi.core.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import java.time.Instant;
import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Log lines: one JSON object each on stdout, which Lambda ships to CloudWatch Logs, with a level, a message
 * that reads the same every time, and the ids it concerns as fields (so Logs Insights can filter on them).
 * Warnings are expected operational events (a model or DynamoDB failure answered deliberately); errors are
 * bugs, with the stack trace. Lines below the function's log level (Lambda's {@code AWS_LAMBDA_LOG_LEVEL},
 * from the template's LoggingConfig) are dropped.
 * <p>
 * A log never holds what callers sent or got back, nor their keys or tokens: an exception is recorded by its
 * types, codes and frames, never by its message, since a model provider's or a parser's message may quote
 * the prompt.
 */
public final class Log {

    enum Level {
        TRACE, DEBUG, INFO, WARN, ERROR, FATAL
    }

    private static volatile Level threshold = Level.INFO;

    private Log() {
    }

    /** Takes the log level Lambda passes on (AWS_LAMBDA_LOG_LEVEL); INFO when there is none. */
    public static void configure(Env env) {
        try {
            threshold = Level.valueOf(env.get("AWS_LAMBDA_LOG_LEVEL", "INFO").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            threshold = Level.INFO;
        }
    }

    /** @param fields names and values, alternately: ids and numbers, never content */
    public static void info(String message, Object... fields) {
        write(line(Level.INFO, message, fields));
    }

    public static void warn(String message, Throwable error, Object... fields) {
        ObjectNode line = line(Level.WARN, message, fields);
        describe(line, error);
        write(line);
    }

    public static void error(String message, Throwable error, Object... fields) {
        ObjectNode line = line(Level.ERROR, message, fields);
        describe(line, error);
        StringBuilder trace = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            trace.append(t == error ? "" : "Caused by: ").append(t.getClass().getName()).append('\n');
            for (StackTraceElement frame : t.getStackTrace()) {
                trace.append("\tat ").append(frame).append('\n');
            }
        }
        line.put("stackTrace", trace.toString());
        write(line);
    }

    private static ObjectNode line(Level level, String message, Object... fields) {
        ObjectNode line = Json.object().put("timestamp", Instant.now().toString()).put("level", level.name())
                .put("message", message);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            Object value = fields[i + 1];
            if (value instanceof Number number) {
                line.put(String.valueOf(fields[i]), number.longValue());
            } else if (value != null) {
                line.put(String.valueOf(fields[i]), String.valueOf(value));
            }
        }
        return line;
    }

    private static void write(ObjectNode line) {
        if (Level.valueOf(line.path("level").asText()).compareTo(threshold) >= 0) {
            System.out.println(Json.write(line));
        }
    }

    /** The error's type, its root cause's, and the codes that classify it: no free text. */
    private static void describe(ObjectNode line, Throwable error) {
        line.put("error", error.getClass().getName());
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != error) {
            line.put("rootCause", root.getClass().getName());
        }
        if (error instanceof Coded coded) {
            line.put("errorCode", coded.errorCode());
        }
        if (error instanceof SdkServiceException service) {
            line.put("statusCode", service.statusCode());
        }
        if (error instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
            line.put("errorCode", aws.awsErrorDetails().errorCode());
        }
    }
}
