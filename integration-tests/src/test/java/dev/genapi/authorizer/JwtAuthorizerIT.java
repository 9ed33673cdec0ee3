package dev.genapi.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genapi.core.config.Env;
import dev.genapi.testing.TestIssuer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JwtAuthorizerFunction with keys minted in the test: what API Gateway sends it, what it answers. A valid
 * token gets an Allow for the whole stage and its issuer and subject as context; every kind of bad token
 * ends in "Unauthorized" (API Gateway's 401).
 */
class JwtAuthorizerIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String METHOD_ARN = "arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/POST/v1/generate";
    static TestIssuer issuer;
    static JwtAuthorizerHandler handler;

    @BeforeAll
    static void start() {
        issuer = TestIssuer.start();
        handler = new JwtAuthorizerHandler(new Env(Map.of("JWT_ISSUER", issuer.issuer(),
                "JWT_AUDIENCE", TestIssuer.AUDIENCE, "JWKS_URL", "")));
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    static JsonNode authorize(JwtAuthorizerHandler handler, String authorization) throws Exception {
        String headers = authorization == null ? "{}" : "{\"authorization\": " + JSON.writeValueAsString(authorization) + "}";
        String event = "{\"type\": \"REQUEST\", \"methodArn\": \"" + METHOD_ARN + "\", \"headers\": " + headers + "}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void aValidTokenIsAllowedOnTheWholeStageWithItsSubject() throws Exception {
        for (String token : new String[] {issuer.rs256(issuer.claims("alice").build()), issuer.es256(issuer.claims("alice").build())}) {
            JsonNode answer = authorize(handler, "Bearer " + token);
            assertThat(answer.path("principalId").asText()).isEqualTo("alice");
            JsonNode statement = answer.path("policyDocument").path("Statement").path(0);
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            assertThat(statement.path("Action").asText()).isEqualTo("execute-api:Invoke");
            assertThat(statement.path("Resource").asText())
                    .as("cached per token, so every route").isEqualTo("arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/*/*");
            assertThat(answer.path("context").path("iss").asText()).isEqualTo(issuer.issuer());
            assertThat(answer.path("context").path("sub").asText()).isEqualTo("alice");
            assertThat(answer.path("context").path("aud").asText()).isEqualTo(TestIssuer.AUDIENCE);
        }
        assertThat(issuer.jwksFetches()).as("the keys are fetched once, then cached").isEqualTo(1);
    }

    static Stream<Arguments> badTokens() {
        Instant past = Instant.now().minusSeconds(600);
        Function<TestIssuer, String> expired = i -> i.rs256(i.claims("bob")
                .issueTime(Date.from(past.minusSeconds(60))).expirationTime(Date.from(past)).build());
        Function<TestIssuer, String> forged = i -> i.forged(i.claims("bob").build());
        Function<TestIssuer, String> wrongAudience = i -> i.rs256(i.claims("bob").audience("another-api").build());
        Function<TestIssuer, String> unsigned = i -> TestIssuer.unsigned(i.claims("bob").build());
        Function<TestIssuer, String> otherIssuer = i -> i.rs256(i.claims("bob").issuer("https://elsewhere.example").build());
        Function<TestIssuer, String> noSubject = i -> i.rs256(i.claims("bob").subject(null).build());
        Function<TestIssuer, String> hmac = i -> i.hs256(i.claims("bob").build());
        Function<TestIssuer, String> notYet = i -> i.rs256(i.claims("bob").notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build());
        return Stream.of(Arguments.of("expired", expired), Arguments.of("wrongly signed", forged),
                Arguments.of("for another audience", wrongAudience), Arguments.of("alg: none", unsigned),
                Arguments.of("from another issuer", otherIssuer), Arguments.of("without a subject", noSubject),
                Arguments.of("signed HS256", hmac), Arguments.of("not yet valid", notYet),
                Arguments.of("not a JWT", (Function<TestIssuer, String>) i -> "not.a.jwt"));
    }

    @ParameterizedTest(name = "a token {0} is refused")
    @MethodSource("badTokens")
    void everyBadTokenIsRefusedAsUnauthorized(String what, Function<TestIssuer, String> token) {
        assertThatThrownBy(() -> authorize(handler, "Bearer " + token.apply(issuer)))
                .as(what).hasMessage("Unauthorized");
    }

    @Test
    void noBearerTokenIsUnauthorized() {
        assertThatThrownBy(() -> authorize(handler, null)).hasMessage("Unauthorized");
        assertThatThrownBy(() -> authorize(handler, "Basic dXNlcjpwYXNz")).hasMessage("Unauthorized");
    }

    @Test
    void keysThatCannotBeFetchedAreAFailureNotAVerdict() {
        JwtAuthorizerHandler unreachable = new JwtAuthorizerHandler(new Env(Map.of("JWT_ISSUER", issuer.issuer(),
                "JWT_AUDIENCE", TestIssuer.AUDIENCE, "JWKS_URL", "http://127.0.0.1:9/jwks.json")));
        assertThatThrownBy(() -> authorize(unreachable, "Bearer " + issuer.rs256(issuer.claims("carol").build())))
                .as("API Gateway answers 5xx (the template's 503), not 401").hasMessage("JWKS unavailable");
    }
}
