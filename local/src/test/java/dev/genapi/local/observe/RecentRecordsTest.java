package dev.genapi.local.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.observe.Records;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Records in the Embedded Metric Format, as the handlers write them (LocalPageIT has the real ones), kept
 * for the local page.
 */
class RecentRecordsTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    /** A request record whose EMF directive names requests and costUsd as metrics. */
    static ObjectNode request(String costUsd) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree("""
                {"timestamp": "2026-11-23T10:00:00.123456789Z", "level": "INFO", "record": "request",
                 "function": "GenerateFunction", "route": "/v1/generate", "requests": 1, "costUsd": %s,
                 "_aws": {"Timestamp": 1795428000123, "CloudWatchMetrics": [{"Namespace": "genapi",
                   "Dimensions": [["function", "route"]],
                   "Metrics": [{"Name": "requests", "Unit": "Count"}, {"Name": "costUsd", "Unit": "None"}]}]}}
                """.formatted(costUsd));
    }

    static JsonNode read(RecentRecords records) throws Exception {
        return Json.MAPPER.readTree(records.json());
    }

    @Test
    void keepsTheLastRecordsButTotalsEveryOneExactly() throws Exception {
        RecentRecords records = new RecentRecords(2, CLOCK);
        for (String cost : new String[] {"0.1", "0.2", "0.0000001"}) {
            records.accept(request(cost));
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

    @Test
    void countsOnlyTheFieldsTheEmfDirectivesName() throws Exception {
        // A cache hit carries its tokens as plain fields: they were not spent, so they are no metric.
        ObjectNode hit = (ObjectNode) Json.MAPPER.readTree("""
                {"record": "request", "function": "GenerateFunction", "model": "gemini-2.5-flash", "cache": "HIT",
                 "inputTokens": 18, "cacheHits": 1,
                 "_aws": {"Timestamp": 1795428000123, "CloudWatchMetrics": [{"Namespace": "genapi",
                   "Dimensions": [["function", "model"]], "Metrics": [{"Name": "cacheHits", "Unit": "Count"}]}]}}
                """);
        RecentRecords records = new RecentRecords(10, CLOCK);
        records.accept(hit);
        JsonNode entry = read(records).path("recent").get(0);

        assertThat(entry.path("metrics").properties()).extracting(Map.Entry::getKey).containsExactly("cacheHits");
        assertThat(entry.path("record").path("inputTokens").asInt()).isEqualTo(18);
        assertThat(entry.path("record").path("cache").asText()).isEqualTo("HIT");
        assertThat(entry.path("record").has("_aws")).isFalse();
        assertThat(read(records).path("totals").has("inputTokens")).isFalse();
    }

    @Test
    void aRecordWithoutMetricsIsKeptWithNone() throws Exception {
        RecentRecords records = new RecentRecords(10, CLOCK);
        records.accept((ObjectNode) Json.MAPPER.readTree("{\"record\": \"job\", \"outcome\": \"malformed\"}"));
        JsonNode document = read(records);

        assertThat(document.path("recent").get(0).path("metrics").isEmpty()).isTrue();
        assertThat(document.path("recent").get(0).path("record").path("outcome").asText()).isEqualTo("malformed");
        assertThat(document.path("kinds").path("job").asLong()).isEqualTo(1);
        assertThat(document.path("totals").isEmpty()).isTrue();
    }

    @Test
    void itKeepsWhatRecordsWritesUntilClosed() throws Exception {
        RecentRecords records = RecentRecords.listening(10, CLOCK);
        Records.write(request("0.5"));
        records.close();
        Records.write(request("0.5"));

        assertThat(read(records).path("seen").asLong()).isEqualTo(1);
    }
}
