package dev.genapi.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A webhook receiver on loopback: records every request, and answers with scripted statuses (then 200). */
public final class FakeReceiver implements AutoCloseable {

    /** One request as it arrived: path, headers (lower-case names) and body. */
    public record Received(String path, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer: a status and its headers. */
    public record Answer(int status, Map<String, String> headers) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Answer> script = new ArrayDeque<>();

    private FakeReceiver() {
        this.server = LoopbackServer.start(this::handle);
    }

    public static FakeReceiver start() {
        return new FakeReceiver();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new java.util.HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
        received.add(new Received(exchange.getRequestURI().toString(), headers, exchange.getRequestBody().readAllBytes()));
        Answer answer;
        synchronized (script) {
            answer = script.isEmpty() ? new Answer(200, Map.of()) : script.poll();
        }
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** A URL on this receiver, by address. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The next requests get these answers, in order; later ones 200. */
    public FakeReceiver answering(Answer... answers) {
        synchronized (script) {
            script.addAll(List.of(answers));
        }
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> receivedAt(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits until {@code count} requests reached {@code path}; returns them. */
    public List<Received> await(String path, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Received> at = receivedAt(path);
            if (at.size() >= count) {
                return at;
            }
            AsyncStack.sleep(Duration.ofMillis(50));
        }
        throw new AssertionError(count + " requests did not reach " + path + " in " + timeout + "; got " + receivedAt(path).size());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
