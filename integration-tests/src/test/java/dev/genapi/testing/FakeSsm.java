package dev.genapi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * SSM Parameter Store's {@code GetParameter}, faked at the wire (AWS JSON 1.1). Like SSM, it checks the SigV4
 * signature of what arrived (signed again from the request's own signed headers and body, with the emulators'
 * credentials "local"/"local", at the request's X-Amz-Date) and answers {@code InvalidSignatureException} when
 * it does not match. Failures can be scripted ahead of the answers. The emulators have no SSM; LocalStack has,
 * and the same tests run there too.
 */
public final class FakeSsm implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** A scripted answer: an HTTP status and SSM's error code. */
    private record Failure(int status, String type) {
    }

    private final HttpServer server;
    private final Map<String, String> parameters = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final Deque<Failure> failures = new ArrayDeque<>();
    private volatile String lastSessionToken;

    private FakeSsm() {
        this.server = LoopbackServer.start(this::handle);
    }

    public static FakeSsm start() {
        return new FakeSsm();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeSsm putSecureString(String name, String value) {
        parameters.put(name, value);
        return this;
    }

    /** The next {@code times} calls fail with this status and error code (for example 400 ThrottlingException). */
    public synchronized FakeSsm failNext(int times, int status, String type) {
        for (int i = 0; i < times; i++) {
            failures.add(new Failure(status, type));
        }
        return this;
    }

    /** Calls that reached GetParameter with a valid signature (failed ones included). */
    public int reads() {
        return reads.get();
    }

    /** The X-Amz-Security-Token of the last signed call, when its credentials were a session's. */
    public String lastSessionToken() {
        return lastSessionToken;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"AmazonSSM.GetParameter".equals(target)) {
                send(exchange, 400, "{\"__type\":\"InvalidAction\",\"message\":\"unsupported " + target + "\"}");
                return;
            }
            if (!signatureMatches(exchange, body)) {
                send(exchange, 400, "{\"__type\":\"InvalidSignatureException\",\"message\":\"The request signature we "
                        + "calculated does not match the signature you provided.\"}");
                return;
            }
            lastSessionToken = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
            reads.incrementAndGet();
            Failure failure;
            synchronized (this) {
                failure = failures.poll();
            }
            if (failure != null) {
                send(exchange, failure.status(), "{\"__type\":\"" + failure.type() + "\",\"message\":\"scripted\"}");
                return;
            }
            JsonNode request = JSON.readTree(body);
            String name = request.path("Name").asText();
            String value = parameters.get(name);
            if (value == null) {
                send(exchange, 400, "{\"__type\":\"ParameterNotFound\",\"message\":\"Parameter " + name + " not found.\"}");
                return;
            }
            var answer = JSON.createObjectNode();
            answer.putObject("Parameter").put("Name", name).put("Type", "SecureString").put("Value", value)
                    .put("Version", 1);
            send(exchange, 200, JSON.writeValueAsString(answer));
        }
    }

    /** Signs the request again from what arrived: the headers it says it signed, its body, its date. */
    private boolean signatureMatches(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String date = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        if (authorization == null || date == null || !authorization.contains("SignedHeaders=")) {
            return false;
        }
        String scope = authorization.replaceAll(".*Credential=([^,]+),.*", "$1"); // key/date/region/service/aws4_request
        String[] parts = scope.split("/");
        String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]+),.*", "$1");
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST)
                .uri(URI.create(endpoint() + exchange.getRequestURI()));
        for (String header : signedHeaders.split(";")) {
            List<String> values = exchange.getRequestHeaders().get(header);
            if (values == null) {
                return false;
            }
            request.putHeader(header, values);
        }
        String token = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
        AwsCredentialsIdentity credentials = token == null ? AwsCredentialsIdentity.create(parts[0], "local")
                : AwsSessionCredentialsIdentity.create(parts[0], "local", token);
        Instant at = Instant.from(AMZ_DATE.parse(date));
        String expected = AwsV4HttpSigner.create().sign(r -> r.identity(credentials).request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, parts[3])
                        .putProperty(AwsV4HttpSigner.REGION_NAME, parts[2])
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
                .request().firstMatchingHeader("Authorization").orElse("");
        return parts.length == 5 && parts[3].equals("ssm") && expected.equals(authorization);
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
