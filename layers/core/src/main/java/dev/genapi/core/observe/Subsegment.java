package dev.genapi.core.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.random.Entropy;

/**
 * One timed call (to DynamoDB, SQS, the model) as an X-Ray subsegment of the invocation's segment. Names,
 * operations, table names and statuses only: never a request's or a response's content.
 */
public final class Subsegment {

    /** Records nothing: the invocation is not sampled, or the function not traced. */
    static final Subsegment NONE = new Subsegment(null, null, null, null);

    private final Tracer tracer;
    private final ObjectNode document;

    Subsegment(Tracer tracer, TraceHeader trace, String name, String namespace) {
        this.tracer = tracer;
        this.document = tracer == null ? null : Json.object()
                .put("name", name)
                .put("id", String.format("%016x", Entropy.nextLong()))
                .put("trace_id", trace.rootId())
                .put("parent_id", trace.parentId())
                .put("type", "subsegment")
                .put("namespace", namespace)
                .put("start_time", epochSeconds());
    }

    public boolean recording() {
        return document != null;
    }

    /** A field of the subsegment's {@code aws} block (operation, table_name, region, request_id...). */
    public Subsegment aws(String field, String value) {
        if (document != null && value != null) {
            document.withObjectProperty("aws").put(field, value);
        }
        return this;
    }

    public Subsegment httpRequest(String method, String url) {
        if (document != null) {
            document.withObjectProperty("http").withObjectProperty("request").put("method", method).put("url", url);
        }
        return this;
    }

    /** The response's status, and what X-Ray calls it: 429 a throttle, other 4xx an error, 5xx a fault. */
    public Subsegment httpStatus(int status) {
        if (document != null) {
            document.withObjectProperty("http").withObjectProperty("response").put("status", status);
            if (status == 429) {
                document.put("throttle", true).put("error", true);
            } else if (status >= 500) {
                document.put("fault", true);
            } else if (status >= 400) {
                document.put("error", true);
            }
        }
        return this;
    }

    /** The call ended in an exception; its type only (a message may quote content). */
    public Subsegment failed(Throwable error) {
        if (document != null) {
            if (!document.has("error") && !document.has("fault")) {
                document.put("fault", true);
            }
            document.withObjectProperty("cause").withArrayProperty("exceptions").addObject()
                    .put("id", String.format("%016x", Entropy.nextLong()))
                    .put("type", error.getClass().getName());
        }
        return this;
    }

    public void end() {
        if (document != null) {
            tracer.send(document.put("end_time", epochSeconds()));
        }
    }

    private static double epochSeconds() {
        return System.currentTimeMillis() / 1000.0;
    }
}
