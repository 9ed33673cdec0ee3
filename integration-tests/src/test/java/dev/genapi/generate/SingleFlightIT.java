package dev.genapi.generate;

import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.header;
import static dev.genapi.testing.ApiEvents.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.genapi.core.cache.CacheKey;
import dev.genapi.core.cache.GenerationLeases;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.config.Env;
import dev.genapi.core.generation.GenerationConfig;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Single-flight on the emulators: concurrent identical misses make one model call; a dead leader's lease lapses. */
@ExtendWith(AwsEmulators.class)
class SingleFlightIT {

    static final String CALLER = "single-flight";

    static AwsBackend backend;
    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    ApiFunction handler;
    Map<String, String> env;

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
    }

    @BeforeEach
    void reset() {
        gemini.reset();
        env = backend.environment("GenerateFunction", gemini);
        env.put("SINGLE_FLIGHT_WAIT_SECONDS", "10");
        handler = TestHandlers.generate(backend, gemini, Clock.systemUTC(), Map.of("SINGLE_FLIGHT_WAIT_SECONDS", "10"));
    }

    static String requestBody(String prompt) {
        return "{\"prompt\": \"" + prompt + "\"}";
    }

    APIGatewayProxyResponseEvent generate(String prompt, String... headers) {
        return handler.handleRequest(post("/v1/generate", requestBody(prompt), CALLER, headers), null);
    }

    /** The cache key the handler computes for this prompt and caller, as a test's stand-in leader needs it. */
    String cacheKey(String prompt) {
        var request = new GenerationRequestParser(GenerationConfig.from(new Env(env))).parse(requestBody(prompt));
        return CacheKey.of(request, Caller.API_KEY_PREFIX + CALLER);
    }

    GenerationLeases leases() {
        return new GenerationLeases(backend.dynamoDb(), env.get("CACHE_TABLE"), Clock.systemUTC());
    }

    @Test
    void twentyConcurrentIdenticalMissesMakeOneModelCallAndGetOneAnswer() throws Exception {
        String prompt = "single flight " + UUID.randomUUID();
        gemini.thenFor(prompt, FakeGemini.text("the one answer").after(Duration.ofMillis(1_000)));
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(pool.submit(() -> {
                start.await();
                return generate(prompt);
            }));
        }
        start.countDown();
        List<String> answers = new ArrayList<>();
        List<String> cacheStatuses = new ArrayList<>();
        for (Future<APIGatewayProxyResponseEvent> call : calls) {
            APIGatewayProxyResponseEvent response = call.get();
            assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
            answers.add(body(response).path("id").asText() + " " + body(response).path("output").asText());
            cacheStatuses.add(header(response, "X-Cache"));
        }
        pool.shutdown();
        assertThat(gemini.callCount(prompt)).isEqualTo(1);
        assertThat(answers).hasSize(20).allMatch(answer -> answer.equals(answers.get(0)));
        assertThat(answers.get(0)).endsWith("the one answer");
        assertThat(cacheStatuses).containsOnlyOnce("MISS").filteredOn("HIT"::equals).hasSize(19);
    }

    @Test
    void whenTheLeaderDiesAFollowerGeneratesOnceTheLeaseLapses() {
        String prompt = "dead leader " + UUID.randomUUID();
        assertThat(leases().take(cacheKey(prompt), "a-leader-that-died", Duration.ofSeconds(2)))
                .isEqualTo(GenerationLeases.Take.TAKEN);
        long start = System.nanoTime();
        var response = generate(prompt);
        long took = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(header(response, "X-Cache")).isEqualTo("MISS");
        assertThat(gemini.callCount(prompt)).isEqualTo(1);
        assertThat(took).as("it waited for the lease to lapse, not for its whole 10 s").isBetween(1_500L, 9_000L);
    }

    @Test
    void aNoCacheRequestNeverWaitsOnAnother() {
        String prompt = "no-cache " + UUID.randomUUID();
        leases().take(cacheKey(prompt), "a-slow-leader", Duration.ofSeconds(20));
        long start = System.nanoTime();
        var response = generate(prompt, "Cache-Control", "no-cache");
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_500);
        assertThat(gemini.callCount(prompt)).isEqualTo(1);
    }

    @Test
    void whenTheLeadersAnswerCannotBeCachedTheOthersGoOnAloneAtOnce() throws Exception {
        String prompt = "uncached " + UUID.randomUUID();
        // The leader's answer is cut by the safety filter (never cached); a waiter then makes its own call.
        gemini.thenFor(prompt, FakeGemini.finished("", "SAFETY").after(Duration.ofMillis(800)));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<APIGatewayProxyResponseEvent> leader = pool.submit(() -> generate(prompt));
        Thread.sleep(200);
        long start = System.nanoTime();
        Future<APIGatewayProxyResponseEvent> follower = pool.submit(() -> generate(prompt));
        assertThat(leader.get().getStatusCode()).isEqualTo(200);
        assertThat(follower.get().getStatusCode()).isEqualTo(200);
        long followerTook = (System.nanoTime() - start) / 1_000_000;
        pool.shutdown();
        assertThat(gemini.callCount(prompt)).isEqualTo(2);
        assertThat(followerTook).as("it went on once the leader settled, not after its 10 s wait").isLessThan(5_000);
    }
}
