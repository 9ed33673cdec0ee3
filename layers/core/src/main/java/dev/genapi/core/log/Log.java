package dev.genapi.core.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * One JSON object per line on stdout, which Lambda ships to CloudWatch Logs as one event each. Warnings are
 * expected operational events (a model or DynamoDB failure answered deliberately); errors are bugs, with the
 * stack trace.
 * <p>
 * A log never holds what callers sent or got back, nor their keys or tokens: an exception is recorded by its
 * types, codes and frames, never by its message, since a model provider's or a parser's message may quote the
 * prompt. Our own messages name ids, never content.
 */
public final class Log {

    private Log() {
    }

    public static void info(String message) {
        System.out.println(Json.write(Json.object().put("level", "INFO").put("message", message)));
    }

    public static void warn(String message, Throwable error) {
        ObjectNode line = Json.object().put("level", "WARN").put("message", message);
        describe(line, error);
        System.out.println(Json.write(line));
    }

    public static void error(String message, Throwable error) {
        ObjectNode line = Json.object().put("level", "ERROR").put("message", message);
        describe(line, error);
        StringBuilder trace = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            trace.append(t == error ? "" : "Caused by: ").append(t.getClass().getName()).append('\n');
            for (StackTraceElement frame : t.getStackTrace()) {
                trace.append("\tat ").append(frame).append('\n');
            }
        }
        line.put("stackTrace", trace.toString());
        System.out.println(Json.write(line));
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
