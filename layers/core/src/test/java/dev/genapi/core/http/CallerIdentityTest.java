package dev.genapi.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.problem.ProblemException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallerIdentityTest {

    static final String ISSUER = "https://issuer.example";

    static ObjectNode event(String apiKeyId) {
        ObjectNode event = Json.object();
        ObjectNode identity = event.putObject("requestContext").putObject("identity").put("apiKey", "the-secret-value");
        if (apiKeyId != null) {
            identity.put("apiKeyId", apiKeyId);
        }
        return event;
    }

    static int status(CallerIdentity identity, ObjectNode event) {
        try {
            identity.of(new ApiRequest(event));
            return 200;
        } catch (ProblemException e) {
            return e.problem().status();
        }
    }

    @Test
    void theCallerIsTheApiKeysIdNeverItsValue() {
        Caller caller = new CallerIdentity(null, null).of(new ApiRequest(event("k1a2b3")));
        assertThat(caller.scope()).isEqualTo("apikey:k1a2b3").doesNotContain("the-secret-value");
        assertThat(caller.apiKeyId()).hasValue("k1a2b3");
    }

    @Test
    void withoutAnApiKeyIdTheRequestIsRefusedNotServedAnonymously() {
        assertThat(status(new CallerIdentity(null, null), event(null))).isEqualTo(403);
    }

    @Test
    void withJwtsTheCallerIsIssuerAndSubjectFromALambdaAuthorizerOrCognitoClaims() {
        CallerIdentity identity = new CallerIdentity(ISSUER, "genapi");
        ObjectNode lambda = event("k1");
        ((ObjectNode) lambda.path("requestContext")).putObject("authorizer")
                .put("principalId", "user-7").put("iss", ISSUER).put("sub", "user-7").put("aud", "genapi");
        assertThat(identity.of(new ApiRequest(lambda)))
                .isEqualTo(new Caller("jwt:" + ISSUER + "|user-7", Optional.of("k1")));

        ObjectNode cognito = event("k1");
        ((ObjectNode) cognito.path("requestContext")).putObject("authorizer").putObject("claims")
                .put("iss", ISSUER).put("sub", "user-8").put("client_id", "genapi");
        assertThat(identity.of(new ApiRequest(cognito)).scope()).isEqualTo("jwt:" + ISSUER + "|user-8");
    }

    @Test
    void anIssuerWithoutAnAudienceIsAStartUpErrorNotAnOpenDoor() {
        assertThatThrownBy(() -> CallerIdentity.from(new dev.genapi.core.config.Env(java.util.Map.of("JWT_ISSUER", ISSUER))))
                .isInstanceOf(dev.genapi.core.config.ConfigurationException.class).hasMessageContaining("JWT_AUDIENCE");
        assertThat(CallerIdentity.from(new dev.genapi.core.config.Env(java.util.Map.of("JWT_ISSUER", "", "JWT_AUDIENCE", ""))))
                .as("no issuer: API keys only").isNotNull();
    }

    @Test
    void withJwtsAMissingTokenOrOneForAnotherIssuerOrAudienceIs401() {
        CallerIdentity identity = new CallerIdentity(ISSUER, "genapi");
        assertThat(status(identity, event("k1"))).isEqualTo(401);

        ObjectNode otherIssuer = event("k1");
        ((ObjectNode) otherIssuer.path("requestContext")).putObject("authorizer")
                .put("iss", "https://elsewhere").put("sub", "u").put("aud", "genapi");
        assertThat(status(identity, otherIssuer)).isEqualTo(401);

        ObjectNode otherAudience = event("k1");
        ((ObjectNode) otherAudience.path("requestContext")).putObject("authorizer").putObject("claims")
                .put("iss", ISSUER).put("sub", "u").put("aud", "another-app");
        assertThatThrownBy(() -> identity.of(new ApiRequest(otherAudience)))
                .isInstanceOf(ProblemException.class).hasMessageContaining("invalid-token");
    }
}
