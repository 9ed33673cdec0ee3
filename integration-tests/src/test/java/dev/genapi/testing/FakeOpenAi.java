package dev.genapi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local OpenAI-compatible server (as Ollama, vLLM or Bedrock's endpoint speak it): {@code POST
 * /v1/chat/completions}, answering with scripted replies, by default a completion from the model asked for.
 */
public final class FakeOpenAi implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A scripted answer. */
    public record Reply(int status, Map<String, String> headers, String body) {
    }

    /** One request as it arrived. */
    public record Call(String path, String authorization, JsonNode body) {
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private FakeOpenAi() {
        this.server = LoopbackServer.start(this::handle);
    }

    public static FakeOpenAi start() {
        return new FakeOpenAi();
    }

    /** What OPENAI_BASE_URL should be. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public FakeOpenAi then(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public void reset() {
        script.clear();
        calls.clear();
    }

    /** A completion by the model asked for, with these token counts. */
    public static Reply completion(String text, int promptTokens, int completionTokens) {
        return new Reply(200, Map.of("Content-Type", "application/json"), "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
                + "\"created\":1796000000,\"model\":\"{model}\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":" + quote(text) + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" + promptTokens
                + ",\"completion_tokens\":" + completionTokens + ",\"total_tokens\":" + (promptTokens + completionTokens) + "}}");
    }

    public static Reply error(int status, String message, Map<String, String> headers) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Content-Type", "application/json");
        return new Reply(status, all, "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"error\"}}");
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            calls.add(new Call(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"), body));
            Reply reply = script.poll();
            if (reply == null) {
                reply = completion("Fake OpenAI answer", 9, 4);
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = reply.body().replace("{model}", body.path("model").asText()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException clientWentAway) {
            // the client gave up: nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
