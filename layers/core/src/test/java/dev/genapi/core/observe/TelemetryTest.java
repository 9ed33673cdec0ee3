package dev.genapi.core.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TelemetryTest {

    private final List<ObjectNode> records = new ArrayList<>();
    private final Consumer<ObjectNode> listener = records::add;
    private final Telemetry telemetry = new Telemetry("GenerateFunction",
            Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC));

    @BeforeEach
    void listen() {
        Records.listen(listener);
    }

    @AfterEach
    void stop() {
        Records.stopListening(listener);
    }

    @Test
    void metricsShareADirectivePerDimensionSetsAndSitBesideTheFields() {
        Observation observation = telemetry.begin("request", new Invocation("req-1",
                TraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0")));
        observation.set("model", "gemini-2.5-flash").set("route", "POST /v1/generate").set("statusClass", "2xx")
                .count(Metric.CACHE_HITS, 1).count(Metric.SAVED, new BigDecimal("0.000125"))
                .count(Metric.REQUESTS, 1).count(Metric.LATENCY, 12);
        telemetry.end(observation);

        JsonNode record = records.get(0);
        assertThat(record.path("timestamp").asText()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(record.path("level").asText()).isEqualTo("INFO");
        assertThat(record.path("traceId").asText()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
        assertThat(record.path("coldStart").asBoolean()).isTrue();
        assertThat(record.path("savedUsd").decimalValue()).isEqualByComparingTo("0.000125");
        JsonNode directives = record.path("_aws").path("CloudWatchMetrics");
        assertThat(record.path("_aws").path("Timestamp").asLong()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z").toEpochMilli());
        assertThat(directives).hasSize(2);
        assertThat(directives.get(1).path("Dimensions").toString()).isEqualTo("[[\"function\",\"model\"],[\"function\"]]");
        assertThat(directives.get(1).path("Metrics").findValuesAsText("Name")).containsExactly("cacheHits", "savedUsd");
        assertThat(directives.get(0).path("Dimensions").toString())
                .isEqualTo("[[\"function\",\"route\",\"statusClass\"],[\"function\",\"route\"]]");
        assertThat(directives.get(0).path("Metrics").findValuesAsText("Name")).containsExactly("requests", "latencyMs");
    }

    @Test
    void aSetNamingAMissingFieldIsLeftOutAndOnlyTheFirstRecordIsCold() {
        telemetry.end(telemetry.begin("job", new Invocation("req-1", Optional.empty())));
        Observation observation = telemetry.begin("job", new Invocation("req-2", Optional.empty()));
        observation.count(Metric.MODEL_CALLS, 1); // no model field: only the function-wide set
        telemetry.end(observation);

        assertThat(records.get(0).has("_aws")).as("no metrics, no EMF block").isFalse();
        JsonNode second = records.get(1);
        assertThat(second.path("coldStart").asBoolean()).isFalse();
        assertThat(second.has("traceId")).isFalse();
        assertThat(second.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString())
                .isEqualTo("[[\"function\"]]");
    }
}
