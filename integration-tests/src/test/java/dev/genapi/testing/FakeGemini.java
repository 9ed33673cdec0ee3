package dev.genapi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Google's Gemini REST API, faked at the wire for the real LangChain4j client: {@code POST
 * {baseUrl}/models/{model}:generateContent} with the key in {@code x-goog-api-key}. Each call takes the next
 * scripted {@link Reply} (status, headers, body, delay before answering); with none scripted it answers 200
 * with text derived from the request, so different requests get different outputs. Calls are recorded.
 * As a {@code @RegisterExtension static} field, JUnit closes it after the test class.
 */
public final class FakeGemini implements AutoCloseable, AfterAllCallback {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** In a reply's body, stands for the model the call named in its path (as Gemini's modelVersion says). */
    private static final String CALLED_MODEL = "{called-model}";

    /** One scripted answer. */
    public record Reply(int status, Map<String, String> headers, String body, Duration delay) {

        public Reply after(Duration wait) {
            return new Reply(status, headers, body, wait);
        }

        public Reply withHeader(String name, String value) {
            var all = new java.util.LinkedHashMap<>(headers);
            all.put(name, value);
            return new Reply(status, Map.copyOf(all), body, delay);
        }
    }

    /** A request as the fake received it. */
    public record Call(String path, Map<String, List<String>> headers, JsonNode body, long receivedAtMillis) {
        public String apiKey() {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("x-goog-api-key"))
                    .map(h -> h.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final Map<String, ConcurrentLinkedQueue<Reply>> scriptsByMarker = new java.util.concurrent.ConcurrentHashMap<>();
    /** Models that answer every call with their reply, whatever is scripted (a provider down for a while). */
    private final Map<String, Reply> downModels = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private FakeGemini() {
        this.server = LoopbackServer.start(this::handle);
    }

    public static FakeGemini start() {
        return new FakeGemini();
    }

    /** What GEMINI_BASE_URL should be. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1beta";
    }

    /** Queues replies for the next calls, in order. */
    public FakeGemini then(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /**
     * Queues replies for the next calls whose request contains {@code marker} only, so that other calls
     * (a job another test left on a shared queue) cannot take them. They go before {@link #then} replies.
     */
    public FakeGemini thenFor(String marker, Reply... replies) {
        scriptsByMarker.computeIfAbsent(marker, m -> new ConcurrentLinkedQueue<>()).addAll(List.of(replies));
        return this;
    }

    /** Every call to {@code model} gets {@code reply} from now until {@link #reset}. */
    public FakeGemini down(String model, Reply reply) {
        downModels.put(model, reply);
        return this;
    }

    public int callCount() {
        return calls.size();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Calls whose request body contains {@code marker}: a test's own, whatever else shares the fake. */
    public int callCount(String marker) {
        return (int) calls.stream().filter(call -> call.body() != null && call.body().toString().contains(marker)).count();
    }

    /** When each call carrying {@code marker} arrived, in milliseconds. */
    public List<Long> callTimes(String marker) {
        return calls.stream().filter(call -> call.body() != null && call.body().toString().contains(marker))
                .map(Call::receivedAtMillis).toList();
    }

    public void reset() {
        script.clear();
        scriptsByMarker.clear();
        downModels.clear();
        calls.clear();
    }

    // --- replies ---

    public static Reply text(String text) {
        return finished(text, "STOP");
    }

    public static Reply finished(String text, String finishReason) {
        return answer(text, finishReason, 7, 5, 0);
    }

    /** A STOP answer whose usage says it took these many tokens (thinking is counted in the total only). */
    public static Reply costing(String text, int promptTokens, int candidateTokens, int thoughtTokens) {
        return answer(text, "STOP", promptTokens, candidateTokens, thoughtTokens);
    }

    private static Reply answer(String text, String finishReason, int prompt, int candidates, int thoughts) {
        return json(200, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + quote(text) + "}],\"role\":\"model\"},"
                + "\"finishReason\":\"" + finishReason + "\",\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":" + prompt + ",\"candidatesTokenCount\":" + candidates
                + (thoughts > 0 ? ",\"thoughtsTokenCount\":" + thoughts : "")
                + ",\"totalTokenCount\":" + (prompt + candidates + thoughts) + "},"
                + "\"modelVersion\":\"" + CALLED_MODEL + "\",\"responseId\":\"fake-response\"}");
    }

    /** A Google-style error body. */
    public static Reply error(int status, String googleStatus, String message) {
        return json(status, "{\"error\":{\"code\":" + status + ",\"message\":" + quote(message)
                + ",\"status\":\"" + googleStatus + "\"}}");
    }

    public static Reply json(int status, String body) {
        return new Reply(status, Map.of("Content-Type", "application/json; charset=UTF-8"), body, Duration.ZERO);
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
            byte[] requestBody = exchange.getRequestBody().readAllBytes();
            JsonNode body = requestBody.length == 0 ? null : JSON.readTree(requestBody);
            calls.add(new Call(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body,
                    System.currentTimeMillis()));
            String text = new String(requestBody, StandardCharsets.UTF_8);
            Reply down = downModels.get(exchange.getRequestURI().getPath().replaceAll(".*/models/([^:/]+).*", "$1"));
            Reply reply = down != null ? down : scriptsByMarker.entrySet().stream().filter(e -> text.contains(e.getKey()))
                    .map(e -> e.getValue().poll()).filter(java.util.Objects::nonNull).findFirst()
                    .orElseGet(script::poll);
            if (reply == null) {
                reply = text("Fake Gemini answer " + Integer.toHexString(new String(requestBody, StandardCharsets.UTF_8).hashCode()));
            }
            if (!reply.delay().isZero()) {
                Thread.sleep(reply.delay().toMillis());
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            String path = exchange.getRequestURI().getPath();
            String model = path.replaceAll(".*/models/([^:/]+).*", "$1");
            byte[] bytes = reply.body().replace(CALLED_MODEL, model).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientWentAway) {
            // the client gave up (a time-out test): nothing to answer
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
