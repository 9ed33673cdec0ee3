package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.observe.Records;
import dev.genapi.local.LocalGenapi;
import dev.genapi.testing.Repository;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local page in a real browser: Debian's headless Chromium, driven by playwright-core from npm
 * (src/test/node). After a known set of requests (a miss, a hit of the same prompt, a bad request, a job the
 * worker runs, a message left in the dead-letter queue), the page shows exactly their numbers, and its
 * screenshot shows every chart drawn. Skipped, not passed, where Chromium or the node modules are missing;
 * .ci/run installs both.
 */
class LocalPageIT {

    static final Path NODE = Repository.root().resolve("integration-tests/src/test/node");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    static final Path SCREENSHOT = Repository.root().resolve("integration-tests/target/local-page.png");
    static final String PROMPT = "a haiku about the local page, zq7";
    static final String JOB_PROMPT = "a job for the local page, zq8";

    static LocalGenapi stack;
    static final List<JsonNode> written = new CopyOnWriteArrayList<>();
    static final Consumer<ObjectNode> collect = record -> written.add(record.deepCopy());
    static String jobId;
    static JsonNode page;
    static BufferedImage screenshot;

    /** What the browser needs and is not here, if anything. */
    static Optional<String> missing() {
        if (!Files.isExecutable(CHROMIUM)) {
            return Optional.of("no Chromium at " + CHROMIUM + ": apt-get install chromium");
        }
        if (!Files.isDirectory(NODE.resolve("node_modules/playwright-core"))) {
            return Optional.of("no playwright-core: run npm ci in " + NODE);
        }
        return Optional.empty();
    }

    @BeforeAll
    static void makeKnownRequestsThenOpenThePage() throws Exception {
        if (missing().isPresent()) {
            return; // each test reports itself skipped, which an assumption here would not show
        }
        stack = LocalGenapi.start(LocalGenapiIT.options(Map.of("OFFLINE_MODEL_LATENCY_MS", "50")));
        Records.listen(collect);
        try {
            String body = "{\"prompt\": \"" + PROMPT + "\"}";
            assertThat(LocalGenapiIT.generate(stack, body).headers().firstValue("x-cache")).hasValue("MISS");
            assertThat(LocalGenapiIT.generate(stack, body).headers().firstValue("x-cache")).hasValue("HIT");
            assertThat(LocalGenapiIT.generate(stack, "{\"prompt\": \"\"}").statusCode()).isEqualTo(400);
            HttpResponse<String> job = LocalGenapiIT.send(stack, "POST", "/v1/jobs",
                    "{\"prompt\": \"" + JOB_PROMPT + "\"}", "Content-Type", "application/json");
            assertThat(job.statusCode()).isEqualTo(202);
            jobId = LocalGenapiIT.JSON.readTree(job.body()).path("id").asText();
            awaitJobRecord(jobId);
            String deadLetterQueue = stack.template().resolve(Map.of("Ref", "JobsDeadLetterQueue")).toString();
            stack.sqsClient().sendMessage(r -> r.queueUrl(deadLetterQueue)
                    .messageBody("{\"jobId\": \"job_left_here\"}"));
        } finally {
            Records.stopListening(collect);
        }
        page = openInChromium();
        screenshot = ImageIO.read(SCREENSHOT.toFile());
    }

    @BeforeEach
    void needsTheBrowser() {
        assumeTrue(missing().isEmpty(), missing().orElse(""));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** The worker's record of the job is the signal that it ran; polling the status API would add requests. */
    static void awaitJobRecord(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (kind("job").stream().noneMatch(r -> r.path("jobId").asText().equals(id))) {
            assertThat(System.nanoTime()).as("the worker's record of job " + id).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    static JsonNode openInChromium() throws Exception {
        Files.createDirectories(SCREENSHOT.getParent());
        Path log = SCREENSHOT.resolveSibling("local-page-node.log");
        Process node = new ProcessBuilder("node", "local-page.mjs", stack.pageUrl().toString(), SCREENSHOT.toString())
                .directory(NODE.toFile()).redirectError(log.toFile()).start();
        byte[] output = node.getInputStream().readAllBytes();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(node.exitValue()).as(Files.readString(log)).isZero();
        return LocalGenapiIT.JSON.readTree(new String(output, StandardCharsets.UTF_8));
    }

    static List<JsonNode> kind(String kind) {
        return written.stream().filter(r -> r.path("record").asText().equals(kind)).toList();
    }

    /** A metric's sum over the records: only the fields their EMF directives name, as CloudWatch sums them. */
    static BigDecimal emfSum(String metric) {
        return written.stream().filter(record -> namesMetric(record, metric))
                .map(record -> record.path(metric).decimalValue()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    static boolean namesMetric(JsonNode record, String metric) {
        return StreamSupport.stream(record.path("_aws").path("CloudWatchMetrics").spliterator(), false)
                .flatMap(directive -> StreamSupport.stream(directive.path("Metrics").spliterator(), false))
                .anyMatch(m -> m.path("Name").asText().equals(metric));
    }

    static String shown(String id) {
        assertThat(page.path("outputs").has(id)).as("the page shows #" + id + ": " + page.path("outputs")).isTrue();
        return page.path("outputs").path(id).asText();
    }

    static String usd(BigDecimal value) {
        return "$" + value.stripTrailingZeros().toPlainString();
    }

    @Test
    void theRequestsMadeAreTheRecordsTheStackWrote() {
        assertThat(kind("request")).hasSize(4);
        assertThat(kind("job")).singleElement().satisfies(job -> {
            assertThat(job.path("jobId").asText()).isEqualTo(jobId);
            assertThat(job.path("outcome").asText()).isEqualTo("succeeded");
        });
        assertThat(page.path("httpStatus").asInt()).isEqualTo(200);
        assertThat(page.path("errors")).as("errors in the page").isEmpty();
    }

    @Test
    void theTilesShowExactlyTheNumbersOfThoseRecords() {
        assertThat(shown("total-requests")).isEqualTo("4");
        assertThat(shown("cache-hits")).isEqualTo("1");
        assertThat(shown("cache-misses")).isEqualTo("2"); // the first generation and the job's
        assertThat(shown("cache-bypasses")).isEqualTo("0");
        assertThat(shown("hit-rate")).isEqualTo("33.3%");
        assertThat(shown("model-calls")).isEqualTo("2");
        assertThat(shown("model-errors")).isEqualTo("0");

        BigDecimal input = emfSum("inputTokens");
        BigDecimal output = emfSum("outputTokens");
        assertThat(input).isPositive();
        assertThat(output).isPositive();
        assertThat(shown("input-tokens")).isEqualTo(input.toPlainString());
        assertThat(shown("output-tokens")).isEqualTo(output.toPlainString());
        assertThat(shown("total-tokens")).isEqualTo(input.add(output).toPlainString());

        BigDecimal cost = emfSum("costUsd");
        assertThat(cost).isPositive();
        assertThat(shown("cost-usd")).isEqualTo(usd(cost));
        // The hit saved what the miss of the same prompt cost.
        BigDecimal missCost = kind("request").get(0).path("costUsd").decimalValue();
        assertThat(emfSum("savedUsd")).isEqualByComparingTo(missCost);
        assertThat(shown("saved-usd")).isEqualTo(usd(missCost));

        List<Long> latencies = kind("request").stream().map(r -> r.path("latencyMs").asLong()).sorted().toList();
        assertThat(shown("latency-p50")).isEqualTo(latencies.get(1) + " ms"); // nearest rank: the 2nd of 4
        assertThat(shown("latency-p95")).isEqualTo(latencies.get(3) + " ms");

        assertThat(shown("jobs-succeeded")).isEqualTo("1");
        assertThat(shown("jobs-failed")).isEqualTo("0");
        assertThat(shown("jobs-dead-lettered")).isEqualTo("0");
        assertThat(shown("job-deliveries")).isEqualTo("1");
        assertThat(shown("waiting-JobsQueue")).isEqualTo("0");
        assertThat(shown("in-flight-JobsQueue")).isEqualTo("0");
        assertThat(shown("waiting-JobsDeadLetterQueue")).isEqualTo("1");
        assertThat(shown("in-flight-JobsDeadLetterQueue")).isEqualTo("0");
    }

    @Test
    void theTableListsEachRecordNewestFirst() {
        JsonNode rows = page.path("rows");
        assertThat(rows).hasSize(5);
        String caller = "apikey:" + stack.apiKeys().all().stream()
                .filter(k -> k.tier().equals("standard")).findFirst().orElseThrow().id();
        JsonNode job = kind("job").get(0);
        List<JsonNode> requests = kind("request");
        JsonNode miss = requests.get(0);
        JsonNode hit = requests.get(1);
        assertThat(job.path("function").asText()).endsWith("WorkerFunction");
        assertThat(metric(hit, "savedUsd")).isNotEmpty();

        // Time, kind, function, route / job, status / outcome, cache, latency, queued, tokens in, tokens out,
        // cost, saved, caller: the numbers are the records' EMF metrics, blank where a record has none.
        assertThat(cells(rows.get(0)).subList(1, 13)).containsExactly("job", job.path("function").asText(),
                jobId + " attempt 1", "succeeded", "MISS", metric(job, "runMs"), metric(job, "queueWaitMs"),
                metric(job, "inputTokens"), metric(job, "outputTokens"), usd(job, "costUsd"), usd(job, "savedUsd"),
                caller);
        assertThat(cells(rows.get(1)).subList(3, 7)).containsExactly("POST /v1/jobs " + jobId, "202", "",
                metric(requests.get(3), "latencyMs"));
        assertThat(cells(rows.get(2)).subList(3, 6)).containsExactly("POST /v1/generate", "400 invalid-request", "");
        for (var expected : Map.of(rows.get(3), hit, rows.get(4), miss).entrySet()) {
            JsonNode record = expected.getValue();
            assertThat(cells(expected.getKey()).subList(3, 13)).containsExactly("POST /v1/generate", "200",
                    record.path("cache").asText(), metric(record, "latencyMs"), "", metric(record, "inputTokens"),
                    metric(record, "outputTokens"), usd(record, "costUsd"), usd(record, "savedUsd"), caller);
        }
        assertThat(cells(rows.get(3)).get(5)).isEqualTo("HIT");
        assertThat(cells(rows.get(4)).get(5)).isEqualTo("MISS");
        for (JsonNode row : rows) {
            assertThat(cells(row).get(12)).isEqualTo(caller);
        }
    }

    /** The record's value of a metric its EMF directives name, as text; blank if they name no such metric. */
    static String metric(JsonNode record, String name) {
        return namesMetric(record, name) ? record.path(name).decimalValue().toPlainString() : "";
    }

    static String usd(JsonNode record, String name) {
        return namesMetric(record, name) ? usd(record.path(name).decimalValue()) : "";
    }

    static List<String> cells(JsonNode row) {
        return StreamSupport.stream(row.path("cells").spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void everyChartIsDrawnInTheScreenshot() {
        assertThat(screenshot).as("a PNG at " + SCREENSHOT).isNotNull();
        List<String> charts = StreamSupport.stream(page.path("charts").spliterator(), false)
                .map(chart -> chart.path("id").asText()).toList();
        assertThat(charts).containsExactly("chart-hit-rate", "chart-latency", "chart-tokens", "chart-cost",
                "chart-queues");
        for (JsonNode chart : page.path("charts")) {
            String id = chart.path("id").asText();
            List<String> drawn = StreamSupport.stream(chart.path("series").spliterator(), false)
                    .filter(series -> series.path("points").asInt() > 0).map(series -> series.path("color").asText())
                    .toList();
            assertThat(drawn).as(id + " has data").isNotEmpty();
            assertThat(pixelsOf(chart.path("box"), drawn)).as(id + ": pixels in its series' colours").isGreaterThan(40);
        }
        // Stacked bars never overlap: both token series show.
        JsonNode tokens = page.path("charts").get(2);
        for (JsonNode series : tokens.path("series")) {
            assertThat(pixelsOf(tokens.path("box"), List.of(series.path("color").asText())))
                    .as(series.path("name").asText()).isGreaterThan(40);
        }
    }

    /** Pixels of the screenshot, inside the box, within a small distance of one of the colours. */
    static int pixelsOf(JsonNode box, List<String> colors) {
        int x0 = box.path("x").asInt();
        int y0 = box.path("y").asInt();
        int width = box.path("width").asInt();
        int height = box.path("height").asInt();
        assertThat(x0 + width).isLessThanOrEqualTo(screenshot.getWidth());
        assertThat(y0 + height).isLessThanOrEqualTo(screenshot.getHeight());
        int[] rgbs = colors.stream().mapToInt(color -> Integer.parseInt(color.substring(1), 16)).toArray();
        int count = 0;
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                int pixel = screenshot.getRGB(x, y);
                for (int rgb : rgbs) {
                    if (close(pixel, rgb)) {
                        count++;
                        break;
                    }
                }
            }
        }
        return count;
    }

    static boolean close(int pixel, int rgb) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((pixel >> shift) & 0xff) - ((rgb >> shift) & 0xff)) > 12) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theBannerNamesThePageWhichIsNeverDeployed() throws Exception {
        assertThat(stack.pageUrl()).hasToString("http://localhost:" + stack.apiUrl().getPort() + "/_local/");
        assertThat(stack.banner()).contains("Page      " + stack.pageUrl()).contains("printed on this console");
        assertThat(Files.readString(Repository.templateFile())).doesNotContain("_local");
    }

    @Test
    void thePageShowsNoPromptText() {
        assertThat(page.path("text").asText()).contains(jobId).doesNotContain("zq7").doesNotContain("zq8");
    }
}
