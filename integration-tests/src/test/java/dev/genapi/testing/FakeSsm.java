package dev.genapi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SSM Parameter Store's {@code GetParameter}, faked at the wire (AWS JSON 1.1) for the real SsmClient. The
 * emulators have no SSM; LocalStack has, and the same tests run there too.
 */
public final class FakeSsm implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, String> parameters = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();

    private FakeSsm(HttpServer server) {
        this.server = server;
    }

    public static FakeSsm start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
            FakeSsm fake = new FakeSsm(server);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeSsm putSecureString(String name, String value) {
        parameters.put(name, value);
        return this;
    }

    public int reads() {
        return reads.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            if (!"AmazonSSM.GetParameter".equals(target)) {
                send(exchange, 400, "{\"__type\":\"InvalidAction\",\"message\":\"unsupported " + target + "\"}");
                return;
            }
            reads.incrementAndGet();
            String name = request.path("Name").asText();
            String value = parameters.get(name);
            if (value == null) {
                send(exchange, 400, "{\"__type\":\"ParameterNotFound\",\"message\":\"Parameter " + name + " not found.\"}");
                return;
            }
            var body = JSON.createObjectNode();
            body.putObject("Parameter").put("Name", name).put("Type", "SecureString").put("Value", value)
                    .put("Version", 1);
            send(exchange, 200, JSON.writeValueAsString(body));
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
