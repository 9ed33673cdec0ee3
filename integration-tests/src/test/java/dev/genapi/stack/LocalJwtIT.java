package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.genapi.local.LocalGenapi;
import dev.genapi.local.LocalIssuer;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.Repository;
import dev.genapi.testing.TestIssuer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local stack with JwtIssuer set to its test issuer, as a new user runs it: every route wants a bearer
 * token besides the API key, checked by the template's JwtAuthorizerFunction against the JWKS the stack
 * serves; the token's subject is the caller.
 */
class LocalJwtIT {

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static LocalGenapi stack;
    static LocalIssuer issuer;

    @BeforeAll
    static void start() throws Exception {
        issuer = LocalIssuer.load(Repository.root().resolve(LocalIssuer.FILE));
        stack = LocalGenapi.start(LocalGenapiIT.options(Map.of("GEMINI_API_KEY", "k", "GEMINI_BASE_URL", gemini.baseUrl(),
                "GENAPI_PARAMETER_OVERRIDES", "JwtIssuer=" + issuer.issuer() + " JwtAudience=" + issuer.audience())));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    static HttpResponse<String> generate(String token, String prompt) throws Exception {
        return token == null ? LocalGenapiIT.generate(stack, "{\"prompt\": \"" + prompt + "\"}")
                : LocalGenapiIT.generate(stack, "{\"prompt\": \"" + prompt + "\"}", "Authorization", "Bearer " + token);
    }

    @Test
    void aValidTokenIsServedAndItsSubjectIsTheCaller() throws Exception {
        String token = issuer.mint("alice", Duration.ofMinutes(5));
        assertThat(generate(token, "hello as alice").statusCode()).isEqualTo(200);
        var usage = LocalGenapiIT.send(stack, "GET", "/v1/usage", null, "Authorization", "Bearer " + token);
        assertThat(usage.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(usage.body()).path("caller").asText()).isEqualTo("jwt:" + issuer.issuer() + "|alice");
    }

    @Test
    void everyKindOfBadTokenIsA401Problem() throws Exception {
        JWTClaimsSet expired = issuer.claims("bob", Duration.ofMinutes(-10)).build();
        JWTClaimsSet otherAudience = issuer.claims("bob", Duration.ofMinutes(5)).audience("another-api").build();
        JWTClaimsSet good = issuer.claims("bob", Duration.ofMinutes(5)).build();
        try (TestIssuer stranger = TestIssuer.start()) {
            Map<String, String> tokens = Map.of(
                    "no token", "",
                    "expired", issuer.sign(expired),
                    "wrong audience", issuer.sign(otherAudience),
                    "alg: none", TestIssuer.unsigned(good),
                    "signed by another key", stranger.forged(good));
            for (var token : tokens.entrySet()) {
                var response = token.getValue().isEmpty() ? generate(null, "anonymous") : generate(token.getValue(), "bad");
                assertThat(response.statusCode()).as(token.getKey()).isEqualTo(401);
                assertThat(response.headers().firstValue("content-type")).as(token.getKey()).hasValue("application/problem+json");
                assertThat(JSON.readTree(response.body()).path("type").asText()).as(token.getKey())
                        .isEqualTo("urn:genapi:problem:unauthorized");
            }
        }
        assertThat(gemini.callCount()).isZero();
    }

    @Test
    void twoSubjectsOfOneApiKeyAreTwoCallers() throws Exception {
        String alice = issuer.mint("alice-2", Duration.ofMinutes(5));
        String bob = issuer.mint("bob-2", Duration.ofMinutes(5));
        assertThat(generate(alice, "same prompt").headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(generate(alice, "same prompt").headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(generate(bob, "same prompt").headers().firstValue("x-cache")).as("bob has his own cache").hasValue("MISS");
    }

    @Test
    void theTokenCommandPrintsATokenTheStackAccepts() throws Exception {
        Process process = new ProcessBuilder(Repository.root().resolve("local/token").toString(), "dana")
                .directory(Repository.root().toFile()).redirectErrorStream(true).start();
        String token = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor()).as(token).isZero();
        assertThat(generate(token, "from the token command").statusCode()).isEqualTo(200);
        JsonNode payload = JSON.readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(payload.path("sub").asText()).isEqualTo("dana");
    }
}
