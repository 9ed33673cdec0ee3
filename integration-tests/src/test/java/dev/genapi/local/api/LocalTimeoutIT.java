package dev.genapi.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genapi.local.template.SamTemplate;
import dev.genapi.testing.Repository;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local API stops a function as Lambda and API Gateway do: a function past its own Timeout is a 502
 * (the invocation failed); one still running at the gateway's integration time-out is a 504, with the
 * template's INTEGRATION_TIMEOUT answer. The gateway's 29 s is shortened to 2 s here.
 */
class LocalTimeoutIT {

    static RestApiEmulator api;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A function that answers after {@code millis}. */
    static RequestStreamHandler answeringAfter(long millis) {
        return (input, output, context) -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            output.write("{\"statusCode\": 200, \"body\": \"done\"}".getBytes(StandardCharsets.UTF_8));
        };
    }

    @BeforeAll
    static void start() throws Exception {
        SamTemplate template = Repository.template();
        LocalGateway gateway = new LocalGateway(LocalApiKeys.load(Repository.root().resolve("local/api-keys.json")),
                LocalUsagePlans.from(template, Clock.systemUTC()), Optional.empty(), new GatewayResponses(template), false);
        api = new RestApiEmulator("127.0.0.1", 0, Duration.ofSeconds(2));
        api.serve(List.of(
                new RestApiEmulator.Route("/v1/quick", "POST", "QuickFunction", 1, answeringAfter(100)),
                new RestApiEmulator.Route("/v1/short-timeout", "POST", "ShortFunction", 1, answeringAfter(10_000)),
                new RestApiEmulator.Route("/v1/long-timeout", "POST", "LongFunction", 900, answeringAfter(10_000))), gateway);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static HttpResponse<String> post(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("x-api-key", "genapi-local-standard-3f8a61c2d04b95e7")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode problem(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        return new ObjectMapper().readTree(response.body());
    }

    @Test
    void aFunctionWithinItsTimeoutAnswers() throws Exception {
        HttpResponse<String> response = post("/v1/quick");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("done");
    }

    @Test
    void aFunctionPastItsOwnTimeoutIsStoppedThereAndAnswered502() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = post("/v1/short-timeout");
        long took = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(problem(response).path("type").asText()).isEqualTo("urn:genapi:problem:gateway-error");
        assertThat(took).as("at its 1 s Timeout").isBetween(900L, 5_000L);
    }

    @Test
    void aFunctionStillRunningAtTheGatewaysTimeOutIsAnswered504() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = post("/v1/long-timeout");
        long took = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(problem(response).path("type").asText()).isEqualTo("urn:genapi:problem:gateway-timeout");
        assertThat(problem(response).path("detail").asText()).isEqualTo("Endpoint request timed out");
        assertThat(took).as("at the gateway's limit").isBetween(1_900L, 6_000L);
    }
}
