package dev.genapi.core.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one unit of work (an API request, a job attempt) is recording: fields that describe it, and the
 * metrics it counts. The code that does the work adds to it; {@link Telemetry#end} writes it as one record.
 * Never prompt or output text, keys or tokens: ids, names, numbers.
 */
public final class Observation {

    private final ObjectNode fields = Json.object();
    private final Map<Metric, Number> metrics = new EnumMap<>(Metric.class);
    private final long startNanos = System.nanoTime();

    Observation() {
    }

    /** An observation that records nothing (for callers that have none, such as unit tests). */
    public static Observation discarded() {
        return new Observation();
    }

    public Observation set(String field, String value) {
        if (value != null) {
            fields.put(field, value);
        }
        return this;
    }

    public Observation set(String field, long value) {
        fields.put(field, value);
        return this;
    }

    public Observation set(String field, BigDecimal value) {
        fields.put(field, value);
        return this;
    }

    public Observation set(String field, boolean value) {
        fields.put(field, value);
        return this;
    }

    /** Adds to a metric (a count, or milliseconds, or dollars). */
    public Observation count(Metric metric, long value) {
        metrics.merge(metric, value, (a, b) -> a.longValue() + b.longValue());
        return this;
    }

    public Observation count(Metric metric, BigDecimal value) {
        metrics.merge(metric, value, (a, b) -> new BigDecimal(a.toString()).add(new BigDecimal(b.toString())));
        return this;
    }

    /** Milliseconds since the work began. */
    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    ObjectNode fields() {
        return fields;
    }

    Map<Metric, Number> metrics() {
        return metrics;
    }
}
