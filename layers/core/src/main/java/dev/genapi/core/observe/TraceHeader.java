package dev.genapi.core.observe;

import java.util.Optional;

/**
 * The X-Ray trace header of the current invocation: the Java runtime sets the system property
 * {@code com.amazonaws.xray.traceHeader} before each invocation, and clears it when there is none. (The
 * environment's {@code _X_AMZN_TRACE_ID} is fixed when the process starts, so it is never read.)
 *
 * @param rootId   the trace id ({@code 1-5759e988-bd862e3fe1be46a994272793})
 * @param parentId the segment of this invocation, the parent of any subsegment
 * @param sampled  whether X-Ray keeps this trace
 */
public record TraceHeader(String rootId, String parentId, boolean sampled) {

    public static final String PROPERTY = "com.amazonaws.xray.traceHeader";

    public static Optional<TraceHeader> current() {
        return parse(System.getProperty(PROPERTY));
    }

    public static Optional<TraceHeader> parse(String header) {
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

    /** As X-Ray writes it, to pass the trace on (to SQS, as a message's AWSTraceHeader). */
    public String header() {
        return "Root=" + rootId + (parentId == null ? "" : ";Parent=" + parentId) + ";Sampled=" + (sampled ? "1" : "0");
    }
}
