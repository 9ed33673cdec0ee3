package dev.genapi.core.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One function's records: each unit of work begins an {@link Observation} and ends it as one JSON record
 * that carries its metrics in CloudWatch's Embedded Metric Format (an {@code _aws} block naming which of the
 * record's fields are metrics, under which dimensions). The first record of a container says it was a cold
 * start. Built once per container, in the composition root.
 */
public final class Telemetry {

    private final String function;
    private final Clock clock;
    private final AtomicBoolean cold = new AtomicBoolean(true);
    private final Consumer<ObjectNode> sink;

    public Telemetry(String function, Clock clock) {
        this(function, clock, Records::write);
    }

    private Telemetry(String function, Clock clock, Consumer<ObjectNode> sink) {
        this.function = function;
        this.clock = clock;
        this.sink = sink;
    }

    /** The function's name as Lambda gives it (AWS_LAMBDA_FUNCTION_NAME). */
    public static Telemetry from(Env env, Clock clock) {
        return new Telemetry(env.get("AWS_LAMBDA_FUNCTION_NAME", "genapi"), clock);
    }

    /**
     * Records built in full, then dropped: for priming at snapshot time, which must exercise the record's code
     * but publish neither a record nor a metric, nor spend the container's cold start.
     */
    public static Telemetry discarding(Clock clock) {
        return new Telemetry("priming", clock, record -> Json.write(record));
    }

    /** @param kind {@code request} or {@code job} */
    public Observation begin(String kind, Invocation invocation) {
        Observation observation = new Observation();
        observation.set("record", kind).set("function", function).set("requestId", invocation.requestId())
                .set("coldStart", cold.getAndSet(false));
        invocation.trace().ifPresent(trace -> observation.set("traceId", trace.rootId()));
        return observation;
    }

    /** Writes the observation as one record, its metrics in EMF. */
    public void end(Observation observation) {
        ObjectNode record = Json.object().put("timestamp", clock.instant().toString()).put("level", "INFO");
        record.setAll(observation.fields());
        // Metrics that share the same dimension sets go in one directive; a set names only fields the record has.
        Map<List<List<String>>, List<Metric>> byDimensionSets = new LinkedHashMap<>();
        observation.metrics().forEach((metric, value) -> {
            if (value instanceof BigDecimal decimal) {
                record.put(metric.metricName(), decimal);
            } else {
                record.put(metric.metricName(), value.longValue());
            }
            List<List<String>> sets = metric.dimensionSets().stream()
                    .filter(set -> set.stream().allMatch(field -> record.path(field).isTextual())).toList();
            if (!sets.isEmpty()) {
                byDimensionSets.computeIfAbsent(sets, s -> new ArrayList<>()).add(metric);
            }
        });
        if (!byDimensionSets.isEmpty()) {
            ObjectNode aws = record.putObject("_aws").put("Timestamp", clock.millis());
            ArrayNode directives = aws.putArray("CloudWatchMetrics");
            byDimensionSets.forEach((sets, metrics) -> {
                ObjectNode directive = directives.addObject().put("Namespace", Metric.NAMESPACE);
                ArrayNode dimensions = directive.putArray("Dimensions");
                for (List<String> set : sets) {
                    ArrayNode dimensionSet = dimensions.addArray();
                    set.forEach(dimensionSet::add);
                }
                ArrayNode names = directive.putArray("Metrics");
                metrics.forEach(metric -> names.addObject().put("Name", metric.metricName()).put("Unit", metric.unit()));
            });
        }
        sink.accept(record);
    }
}
