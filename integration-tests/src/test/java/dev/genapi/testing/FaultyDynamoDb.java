package dev.genapi.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

/**
 * The DynamoDB emulator behind a proxy that can fail chosen calls, as DynamoDB does under throttling: requests matching
 * the rule (operation, body) are answered with ProvisionedThroughputExceededException, the rest are forwarded
 * unchanged. It can also lose answers: a matching request is applied, and its caller told it failed, as when
 * a response times out on its way back, so that the SDK sends the same request again.
 */
public final class FaultyDynamoDb implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "expect", "upgrade");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI target;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile BiPredicate<String, String> failWhen = (operation, body) -> false;
    private volatile BiPredicate<String, String> loseAnswerWhen = (operation, body) -> false;
    private final AtomicInteger answersToLose = new AtomicInteger();
    private final AtomicInteger lostAnswers = new AtomicInteger();

    private FaultyDynamoDb(HttpServer server, URI target) {
        this.server = server;
        this.target = target;
    }

    public static FaultyDynamoDb in(URI dynamoDb) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 20);
            FaultyDynamoDb proxy = new FaultyDynamoDb(server, dynamoDb);
            server.createContext("/", proxy::handle);
            server.start();
            return proxy;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** @param rule operation (e.g. "UpdateItem") and request body; true fails the call */
    public void failWhen(BiPredicate<String, String> rule) {
        failWhen = rule;
    }

    /**
     * The next {@code times} requests matching {@code rule} are applied, but answered with an
     * InternalServerError (which the SDK retries) instead of their result.
     */
    public void loseAnswers(int times, BiPredicate<String, String> rule) {
        loseAnswerWhen = rule;
        answersToLose.set(times);
    }

    /** Requests that were applied while their caller was told they failed. */
    public int lostAnswers() {
        return lostAnswers.get();
    }

    public int failures() {
        return failures.get();
    }

    /** Every call that reached the proxy, failed or forwarded. */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
            if (failWhen.test(operation, new String(body, StandardCharsets.UTF_8))) {
                failures.incrementAndGet();
                String error = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                        + "\"message\":\"injected by FaultyDynamoDb\"}";
                respond(exchange, 400, error.getBytes(StandardCharsets.UTF_8));
                return;
            }
            var forward = HttpRequest.newBuilder(this.target.resolve(exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    values.forEach(value -> forward.header(name, value));
                }
            });
            HttpResponse<byte[]> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (loseAnswerWhen.test(operation, new String(body, StandardCharsets.UTF_8))
                    && answersToLose.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                lostAnswers.incrementAndGet();
                String error = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                        + "\"message\":\"answer lost by FaultyDynamoDb after the request was applied\"}";
                respond(exchange, 500, error.getBytes(StandardCharsets.UTF_8));
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            respond(exchange, response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
