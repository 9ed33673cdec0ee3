package dev.genapi.local.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.observe.Metric;
import dev.genapi.core.observe.Observation;
import dev.genapi.core.observe.Telemetry;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Records as the handlers write them, through Telemetry, kept for the local page. */
class RecentRecordsTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    final Telemetry telemetry = new Telemetry("GenerateFunction", CLOCK);

    void write(Consumer<Observation> work) {
        Observation observation = telemetry.begin("request", "lambda-request-id");
        work.accept(observation);
        telemetry.end(observation);
    }

    /** A request's metric, with the dimensions it is emitted under: without them it would be no metric. */
    static Observation request(Observation observation) {
        return observation.set("route", "/v1/generate").set("statusClass", "2xx").count(Metric.REQUESTS, 1);
    }

    static JsonNode read(RecentRecords records) throws Exception {
        return Json.MAPPER.readTree(records.json());
    }

    @Test
    void keepsTheLastRecordsButTotalsEveryOneExactly() throws Exception {
        try (RecentRecords records = RecentRecords.listening(2, CLOCK)) {
            for (String cost : new String[] {"0.1", "0.2", "0.0000001"}) {
                write(o -> request(o).count(Metric.COST, new BigDecimal(cost)));
            }
            JsonNode document = read(records);

            assertThat(document.path("seen").asLong()).isEqualTo(3);
            assertThat(document.path("kinds").path("request").asLong()).isEqualTo(3);
            assertThat(document.path("capacity").asInt()).isEqualTo(2);
            assertThat(document.path("now").asLong()).isEqualTo(CLOCK.millis());
            assertThat(document.path("recent").findValuesAsText("seq")).containsExactly("2", "3");
            assertThat(document.path("totals").path("requests").asLong()).isEqualTo(3);
            assertThat(document.path("totals").path("costUsd").decimalValue()).isEqualByComparingTo("0.3000001");
        }
    }

    @Test
    void countsOnlyTheFieldsTheEmfDirectivesName() throws Exception {
        try (RecentRecords records = RecentRecords.listening(10, CLOCK)) {
            // A cache hit carries its tokens as plain fields: they were not spent, so they are no metric.
            write(o -> o.set("inputTokens", 18).set("cache", "HIT").count(Metric.CACHE_HITS, 1));
            JsonNode entry = read(records).path("recent").get(0);

            assertThat(entry.path("metrics").properties()).extracting(java.util.Map.Entry::getKey)
                    .containsExactly("cacheHits");
            assertThat(entry.path("record").path("inputTokens").asInt()).isEqualTo(18);
            assertThat(entry.path("record").path("cache").asText()).isEqualTo("HIT");
            assertThat(entry.path("record").has("_aws")).isFalse();
            assertThat(read(records).path("totals").has("inputTokens")).isFalse();
        }
    }

    @Test
    void aValueWhoseDimensionsAreMissingIsNoMetric() throws Exception {
        try (RecentRecords records = RecentRecords.listening(10, CLOCK)) {
            write(o -> o.count(Metric.REQUESTS, 1)); // no route: Telemetry names it in no directive
            assertThat(read(records).path("totals").has("requests")).isFalse();
        }
    }

    @Test
    void aRecordWithoutMetricsIsKeptWithNone() throws Exception {
        try (RecentRecords records = RecentRecords.listening(10, CLOCK)) {
            write(o -> o.set("route", "/v1/generate"));
            JsonNode entry = read(records).path("recent").get(0);

            assertThat(entry.path("metrics").isEmpty()).isTrue();
            assertThat(entry.path("record").path("route").asText()).isEqualTo("/v1/generate");
        }
    }

    @Test
    void closedItKeepsNothingMore() throws Exception {
        RecentRecords records = RecentRecords.listening(10, CLOCK);
        write(RecentRecordsTest::request);
        records.close();
        write(RecentRecordsTest::request);

        assertThat(read(records).path("seen").asLong()).isEqualTo(1);
    }
}
