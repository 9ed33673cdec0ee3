package dev.genapi.usage;

import static dev.genapi.testing.ApiEvents.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genapi.authorizer.JwtAuthorizerHandler;
import dev.genapi.core.config.Env;
import dev.genapi.local.LocalIssuer;
import dev.genapi.status.StatusHandler;
import dev.genapi.testing.ApiEvent;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.Repository;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sample events for GET /v1/usage and the JWT authorizer, as {@code sam local invoke -e} sends them. */
@ExtendWith(AwsEmulators.class)
class UsageEventsIT {

    @Test
    void usageEventShowsTheSampleCallersUsage(AwsBackend backend) {
        var status = new ApiFunction(new StatusHandler(new Env(backend.environment("StatusFunction", Map.of()))));
        var response = status.handleRequest(ApiEvent.fromFile("usage.json"), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JsonNode usage = body(response);
        assertThat(usage.path("caller").asText()).isEqualTo("apikey:k1a2b3c4d5");
        assertThat(usage.path("day").has("remainingUsd")).isTrue();
    }

    @Test
    void authorizerEventAllowsATokenOfTheLocalIssuerAndRefusesThePlaceholder() throws Exception {
        LocalIssuer issuer = LocalIssuer.load(Repository.root().resolve(LocalIssuer.FILE));
        var jwks = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 5);
        try {
            jwks.createContext("/", exchange -> {
                byte[] keys = issuer.jwks();
                exchange.sendResponseHeaders(200, keys.length);
                exchange.getResponseBody().write(keys);
                exchange.close();
            });
            jwks.start();
            var handler = new JwtAuthorizerHandler(new Env(Map.of("JWT_ISSUER", issuer.issuer(), "JWT_AUDIENCE",
                    issuer.audience(), "JWKS_URL", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json")));
            String event = Files.readString(Repository.root().resolve("events/authorizer.json"));

            assertThatThrownBy(() -> invoke(handler, event)).as("the placeholder is no token").hasMessage("Unauthorized");
            String token = issuer.mint("sample-user", Duration.ofMinutes(5));
            JsonNode answer = invoke(handler, event.replace("REPLACE_WITH_A_TOKEN_FROM_./local/token", token));
            assertThat(answer.path("principalId").asText()).isEqualTo("sample-user");
            assertThat(answer.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
        } finally {
            jwks.stop(0);
        }
    }

    static JsonNode invoke(JwtAuthorizerHandler handler, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes()), out, null);
        return new ObjectMapper().readTree(out.toByteArray());
    }
}
