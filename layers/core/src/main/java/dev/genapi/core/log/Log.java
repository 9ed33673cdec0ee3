package dev.genapi.core.log;

import dev.genapi.core.http.Json;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One JSON object per line on stdout, which Lambda ships to CloudWatch Logs as one event each. */
public final class Log {

    private Log() {
    }

    public static void info(String message) {
        write("INFO", message, null);
    }

    public static void warn(String message, Throwable error) {
        write("WARN", message, error);
    }

    public static void error(String message, Throwable error) {
        write("ERROR", message, error);
    }

    private static void write(String level, String message, Throwable error) {
        var line = Json.object().put("level", level).put("message", message);
        if (error != null) {
            line.put("error", error.toString());
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            line.put("stackTrace", trace.toString());
        }
        System.out.println(Json.write(line));
    }
}
