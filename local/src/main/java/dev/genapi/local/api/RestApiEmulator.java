package dev.genapi.local.api;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API Gateway's REST API with Lambda proxy integration, on localhost: each request becomes the payload 1.0
 * event a deployed API would send ({@code headers} and {@code multiValueHeaders}, base64 for non-text
 * bodies, path parameters, a request context with a request id and the caller's API key), and the handler's
 * response goes back as HTTP. Unknown routes get the same 404 problem the template's gateway response gives.
 */
public final class RestApiEmulator implements AutoCloseable {

    /** One route of the template, bound to its handler instance. */
    public record Route(String path, String method, String functionName, int timeoutSeconds,
                        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler) {
    }

    /** The caller a request without an {@code x-api-key} header is taken to be. */
    public static final String DEFAULT_API_KEY = "local";

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<CompiledRoute> routes = new ArrayList<>();

    private record CompiledRoute(Route route, Pattern pattern, List<String> parameterNames) {
    }

    public RestApiEmulator(String host, int port, List<Route> routes) throws IOException {
        for (Route route : routes) {
            List<String> names = new ArrayList<>();
            Matcher parameter = Pattern.compile("\\{([^}+]+)\\+?}").matcher(route.path());
            StringBuilder regex = new StringBuilder();
            int last = 0;
            while (parameter.find()) {
                regex.append(Pattern.quote(route.path().substring(last, parameter.start())));
                regex.append(parameter.group().endsWith("+}") ? "(.+)" : "([^/]+)");
                names.add(parameter.group(1));
                last = parameter.end();
            }
            regex.append(Pattern.quote(route.path().substring(last)));
            this.routes.add(new CompiledRoute(route, Pattern.compile(regex.toString()), names));
        }
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.executor = Executors.newFixedThreadPool(16);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod().toUpperCase();
            String requestId = UUID.randomUUID().toString();
            CompiledRoute match = null;
            Matcher matcher = null;
            for (CompiledRoute candidate : routes) {
                Matcher m = candidate.pattern().matcher(path);
                if (m.matches() && (candidate.route().method().equals("ANY")
                        || candidate.route().method().equals(method))) {
                    match = candidate;
                    matcher = m;
                    break;
                }
            }
            if (match == null) {
                send(exchange, 404, Map.of("Content-Type", List.of("application/problem+json")),
                        ("{\"type\":\"urn:genapi:problem:not-found\",\"title\":\"Not found\",\"status\":404,"
                                + "\"detail\":\"No such route.\",\"requestId\":\"" + requestId + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
            APIGatewayProxyRequestEvent event = toEvent(exchange, match, matcher, requestId);
            APIGatewayProxyResponseEvent response;
            try {
                response = match.route().handler().handleRequest(event,
                        new LocalContext(requestId, match.route().functionName(), match.route().timeoutSeconds()));
            } catch (RuntimeException e) {
                // API Gateway answers 502 when the function itself fails.
                e.printStackTrace();
                send(exchange, 502, Map.of("Content-Type", List.of("application/problem+json")),
                        ("{\"type\":\"urn:genapi:problem:gateway-error\",\"title\":\"API gateway error\","
                                + "\"status\":502,\"detail\":\"Internal server error\",\"requestId\":\""
                                + requestId + "\"}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, response.getStatusCode() == null ? 200 : response.getStatusCode(), headers(response),
                    body(response));
        }
    }

    private static APIGatewayProxyRequestEvent toEvent(HttpExchange exchange, CompiledRoute route, Matcher matcher,
                                                       String requestId) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, List<String>> multiValueHeaders = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            headers.put(name, values.get(values.size() - 1));
            multiValueHeaders.put(name, List.copyOf(values));
        });
        Map<String, String> pathParameters = new LinkedHashMap<>();
        for (int i = 0; i < route.parameterNames().size(); i++) {
            pathParameters.put(route.parameterNames().get(i), URLDecoder.decode(matcher.group(i + 1), StandardCharsets.UTF_8));
        }
        Map<String, String> query = new LinkedHashMap<>();
        Map<String, List<String>> multiQuery = new LinkedHashMap<>();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                String key = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
                String value = kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                query.put(key, value);
                multiQuery.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        String apiKey = headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("x-api-key"))
                .map(Map.Entry::getValue).findFirst().orElse(DEFAULT_API_KEY);

        var identity = new APIGatewayProxyRequestEvent.RequestIdentity()
                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                .withApiKey(apiKey)
                .withUserAgent(headers.getOrDefault("User-Agent", null));
        var context = new APIGatewayProxyRequestEvent.ProxyRequestContext()
                .withRequestId(requestId)
                .withStage("local")
                .withResourcePath(route.route().path())
                .withHttpMethod(exchange.getRequestMethod())
                .withPath(exchange.getRequestURI().getPath())
                .withAccountId("000000000000")
                .withIdentity(identity);
        var event = new APIGatewayProxyRequestEvent()
                .withHttpMethod(exchange.getRequestMethod())
                .withPath(exchange.getRequestURI().getPath())
                .withResource(route.route().path())
                .withHeaders(headers)
                .withMultiValueHeaders(multiValueHeaders)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withMultiValueQueryStringParameters(multiQuery.isEmpty() ? null : multiQuery)
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                .withRequestContext(context);
        if (body.length > 0) {
            String text = utf8OrNull(body);
            event.withBody(text != null ? text : Base64.getEncoder().encodeToString(body))
                    .withIsBase64Encoded(text == null);
        } else {
            event.withIsBase64Encoded(false);
        }
        return event;
    }

    private static String utf8OrNull(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Map<String, List<String>> headers(APIGatewayProxyResponseEvent response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((k, v) -> headers.put(k, List.of(v)));
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach(headers::put);
        }
        return headers;
    }

    private static byte[] body(APIGatewayProxyResponseEvent response) {
        if (response.getBody() == null) {
            return new byte[0];
        }
        return Boolean.TRUE.equals(response.getIsBase64Encoded())
                ? Base64.getDecoder().decode(response.getBody())
                : response.getBody().getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        headers.forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
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
        executor.shutdownNow();
    }
}
