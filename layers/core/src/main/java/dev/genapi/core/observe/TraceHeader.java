package dev.genapi.core.observe;

import java.util.Optional;

/**
 * The X-Ray trace header of the current invocation: the Java runtime sets it in the system property
 * {@code com.amazonaws.xray.traceHeader} for each invocation, and in {@code _X_AMZN_TRACE_ID} at start.
 *
 * @param rootId   the trace id ({@code Root=1-...})
 * @param parentId the segment of this invocation, the parent of any subsegment
 * @param sampled  whether X-Ray keeps this trace
 */
public record TraceHeader(String rootId, String parentId, boolean sampled) {

    public static Optional<TraceHeader> current() {
        String header = System.getProperty("com.amazonaws.xray.traceHeader");
        if (header == null || header.isBlank()) {
            header = System.getenv("_X_AMZN_TRACE_ID");
        }
        return parse(header);
    }

    static Optional<TraceHeader> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String root = null;
        String parent = null;
        boolean sampled = false;
        for (String part : header.split(";")) {
            String[] keyValue = part.trim().split("=", 2);
            if (keyValue.length == 2) {
                switch (keyValue[0]) {
                    case "Root" -> root = keyValue[1];
                    case "Parent" -> parent = keyValue[1];
                    case "Sampled" -> sampled = keyValue[1].equals("1");
                    default -> {
                    }
                }
            }
        }
        return root == null ? Optional.empty() : Optional.of(new TraceHeader(root, parent, sampled));
    }
}
