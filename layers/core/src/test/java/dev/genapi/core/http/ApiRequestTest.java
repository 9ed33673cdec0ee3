package dev.genapi.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiRequestTest {

    static APIGatewayProxyRequestEvent event(Map<String, String> headers, String body) {
        return new APIGatewayProxyRequestEvent().withHttpMethod("post").withPath("/v1/generate")
                .withHeaders(headers).withBody(body);
    }

    static int status(Runnable action) {
        try {
            action.run();
        } catch (ProblemException e) {
            return e.problem().status();
        }
        return 200;
    }

    @Test
    void headersAreFoundInAnyLetterCaseAndInMultiValueHeaders() {
        var request = new ApiRequest(event(Map.of("cOnTeNt-TyPe", "application/json"), "{}")
                .withMultiValueHeaders(Map.of("Cache-Control", List.of("no-cache", "no-store"))));
        assertThat(request.header("Content-Type")).hasValue("application/json");
        assertThat(request.header("CACHE-CONTROL")).hasValue("no-cache,no-store");
        assertThat(request.header("X-Missing")).isEmpty();
        assertThat(request.method()).isEqualTo("POST");
    }

    @Test
    void aBase64BodyIsDecoded() {
        String body = "{\"prompt\": \"Grüße\"}";
        var event = event(Map.of(), Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)))
                .withIsBase64Encoded(true);
        assertThat(new ApiRequest(event).jsonBody(1_000)).isEqualTo(body);
    }

    @Test
    void badBodiesAndMediaTypesGetTheirStatus() {
        assertThat(status(() -> new ApiRequest(event(Map.of(), "%%%").withIsBase64Encoded(true)).jsonBody(100)))
                .isEqualTo(400);
        assertThat(status(() -> new ApiRequest(event(Map.of(), null)).jsonBody(100))).isEqualTo(400);
        assertThat(status(() -> new ApiRequest(event(Map.of(), "x".repeat(101))).jsonBody(100))).isEqualTo(413);
        assertThat(status(() -> new ApiRequest(event(Map.of("Content-Type", "text/plain"), "{}")).jsonBody(100)))
                .isEqualTo(415);
        assertThat(status(() -> new ApiRequest(event(Map.of("Content-Type", "application/json; charset=ISO-8859-1"),
                "{}")).jsonBody(100))).isEqualTo(415);
        byte[] latin1 = {'"', (byte) 0xE9, '"'};
        var notUtf8 = event(Map.of(), Base64.getEncoder().encodeToString(latin1)).withIsBase64Encoded(true);
        assertThatThrownBy(() -> new ApiRequest(notUtf8).jsonBody(100)).isInstanceOf(ProblemException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void jsonMediaTypesAndNoMediaTypeAreAccepted() {
        for (String type : new String[] {"application/json", "Application/JSON; charset=UTF-8", "application/merge-patch+json"}) {
            assertThat(new ApiRequest(event(Map.of("Content-Type", type), "{}")).jsonBody(100)).isEqualTo("{}");
        }
        assertThat(new ApiRequest(event(Map.of(), "{}")).jsonBody(100)).isEqualTo("{}");
    }

    @Test
    void theCallerIsTheAuthorizersPrincipalElseTheApiKeysDigest() {
        var context = new APIGatewayProxyRequestEvent.ProxyRequestContext()
                .withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity().withApiKey("secret-key"));
        var event = event(Map.of(), "{}").withRequestContext(context);
        assertThat(new ApiRequest(event).caller()).hasValueSatisfying(caller ->
                assertThat(caller).startsWith("apikey:").doesNotContain("secret-key").hasSize(7 + 64));

        context.setAuthorizer(Map.of("claims", Map.of("sub", "user-1")));
        assertThat(new ApiRequest(event).caller()).hasValue("principal:user-1");
        context.setAuthorizer(Map.of("principalId", "tenant-9", "claims", Map.of("sub", "user-1")));
        assertThat(new ApiRequest(event).caller()).hasValue("principal:tenant-9");
        assertThat(new ApiRequest(event(Map.of(), "{}")).caller()).isEmpty();
    }
}
