package dev.genapi.model;

import dev.genapi.core.encoding.Json;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.util.List;
import java.util.Map;

/**
 * Gemini as seen by LangChain4j at snapshot time: the request is built and serialised as for a real call,
 * then answered here with a canned generation, so that priming loads the model client's classes without
 * the network and without a billed call.
 */
final class PrimingHttpClient implements HttpClient {

    static final String ANSWER = """
            {"candidates": [{"content": {"parts": [{"text": "primed"}], "role": "model"}, "finishReason": "STOP",
              "index": 0}],
             "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2}}""";

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        Json.parseBody(request.body()); // what Gemini would have read
        GeminiAnswers.requireReadable(ModelHttpClient.answerJson(ANSWER));
        return SuccessfulHttpResponse.builder().statusCode(200)
                .headers(Map.of("Content-Type", List.of("application/json"))).body(ANSWER).build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("genapi does not stream");
    }

    static final class Builder extends TimeoutsBuilder {
        @Override
        public HttpClient build() {
            return new PrimingHttpClient();
        }
    }
}
