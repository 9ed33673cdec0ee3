package dev.genapi.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.problem.ProblemException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiRequestTest {

    static ObjectNode event(Map<String, String> headers, String body) {
        ObjectNode event = Json.object().put("httpMethod", "post").put("path", "/v1/generate").put("body", body);
        ObjectNode headerNode = event.putObject("headers");
        headers.forEach(headerNode::put);
        return event;
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
        ObjectNode event = event(Map.of("cOnTeNt-TyPe", "application/json"), "{}");
        event.putObject("multiValueHeaders").putArray("Cache-Control").add("no-cache").add("no-store");
        var request = new ApiRequest(event);
        assertThat(request.header("Content-Type")).hasValue("application/json");
        assertThat(request.header("CACHE-CONTROL")).hasValue("no-cache,no-store");
        assertThat(request.header("X-Missing")).isEmpty();
        assertThat(request.method()).isEqualTo("POST");
    }

    @Test
    void aBase64BodyIsDecoded() {
        String body = "{\"prompt\": \"Grüße\"}";
        var event = event(Map.of(), Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)))
                .put("isBase64Encoded", true);
        assertThat(new ApiRequest(event).jsonBody(1_000)).isEqualTo(body);
    }

    @Test
    void badBodiesAndMediaTypesGetTheirStatus() {
        assertThat(status(() -> new ApiRequest(event(Map.of(), "%%%").put("isBase64Encoded", true)).jsonBody(100)))
                .isEqualTo(400);
        assertThat(status(() -> new ApiRequest(event(Map.of(), null)).jsonBody(100))).isEqualTo(400);
        assertThat(status(() -> new ApiRequest(event(Map.of(), "x".repeat(101))).jsonBody(100))).isEqualTo(413);
        assertThat(status(() -> new ApiRequest(event(Map.of("Content-Type", "text/plain"), "{}")).jsonBody(100)))
                .isEqualTo(415);
        assertThat(status(() -> new ApiRequest(event(Map.of("Content-Type", "application/json; charset=ISO-8859-1"),
                "{}")).jsonBody(100))).isEqualTo(415);
        byte[] latin1 = {'"', (byte) 0xE9, '"'};
        var notUtf8 = event(Map.of(), Base64.getEncoder().encodeToString(latin1)).put("isBase64Encoded", true);
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
    void anEventIsReadFromTheStreamLambdaHandsAStreamHandler() throws Exception {
        byte[] json = ("{\"httpMethod\":\"GET\",\"resource\":\"/v1/jobs/{id}\",\"path\":\"/v1/jobs/x\","
                + "\"pathParameters\":{\"id\":\"x\"},\"queryStringParameters\":null,"
                + "\"requestContext\":{\"requestId\":\"r-1\",\"path\":\"/dev/v1/jobs/x\","
                + "\"identity\":{\"apiKey\":\"secret\",\"apiKeyId\":\"k1\"}}}").getBytes(StandardCharsets.UTF_8);
        ApiRequest request = ApiRequest.read(new ByteArrayInputStream(json), dev.genapi.core.observe.Observation.discarded());
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.resource()).isEqualTo("/v1/jobs/{id}");
        assertThat(request.pathParameter("id")).hasValue("x");
        assertThat(request.queryParameter("limit")).isEmpty();
        assertThat(request.requestId()).isEqualTo("r-1");
        assertThat(request.apiKeyId()).hasValue("k1");
        assertThat(request.url("/v1/jobs/y")).isEqualTo("/dev/v1/jobs/y");
    }

    @Test
    void aMissingOrOddEventIsAnEmptyRequestNotACrash() {
        ApiRequest request = new ApiRequest(Json.MAPPER.createArrayNode());
        assertThat(request.method()).isEmpty();
        assertThat(request.requestId()).isEqualTo("unknown");
        assertThat(request.apiKeyId()).isEmpty();
    }
}
