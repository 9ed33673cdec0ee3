package dev.genapi.core.log;

import dev.genapi.core.encoding.Json;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One JSON object per line on stdout, which Lambda ships to CloudWatch Logs as one event each. Warnings are
 * expected operational events (a model or DynamoDB failure answered deliberately): they name the error and
 * its root cause. Errors are bugs: they carry the stack trace.
 */
public final class Log {

    private Log() {
    }

    public static void info(String message) {
        System.out.println(Json.write(Json.object().put("level", "INFO").put("message", message)));
    }

    public static void warn(String message, Throwable error) {
        var line = Json.object().put("level", "WARN").put("message", message).put("error", error.toString());
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != error) {
            line.put("rootCause", root.toString());
        }
        System.out.println(Json.write(line));
    }

    public static void error(String message, Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        System.out.println(Json.write(Json.object().put("level", "ERROR").put("message", message)
                .put("error", error.toString()).put("stackTrace", trace.toString())));
    }
}
