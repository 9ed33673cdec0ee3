package dev.genapi.local.api;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.ApiResponses;
import dev.genapi.core.log.Log;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * API Gateway's REST API with Lambda proxy integration, on localhost (Jetty, which leaves malformed URLs to
 * us instead of answering them with HTML). The {@link LocalGateway} admits each request as the deployed
 * gateway would; the function gets the payload 1.0 event as JSON, exactly as Lambda hands it a stream
 * handler, and its JSON answer goes back as HTTP. Every answer the emulator gives itself is problem+json,
 * with the registry's types: an unknown route, a refused key, an undecodable URL, a failed function.
 */
public final class RestApiEmulator implements AutoCloseable {

    /** One route of the template, bound to its handler instance. */
    public record Route(String path, String method, String functionName, int timeoutSeconds,
                        RequestStreamHandler handler) {
    }

    private record CompiledRoute(Route route, Pattern pattern, List<String> parameterNames) {
    }

    /** A local-only page (never deployed), e.g. the test issuer's JWKS. */
    public record LocalPage(String contentType, java.util.function.Supplier<byte[]> body) {
    }

    private final Server server;
    private final ServerConnector connector;
    private volatile List<CompiledRoute> routes = List.of();
    private volatile LocalGateway gateway;
    private final Map<String, LocalPage> localPages = new java.util.concurrent.ConcurrentHashMap<>();
    private final Duration integrationTimeout;

    /** Starts listening; requests get 404 problems until {@link #serve} gives the routes. */
    public RestApiEmulator(String host, int port) throws Exception {
        this(host, port, FunctionTimeout.API_GATEWAY_LIMIT);
    }

    /** @param integrationTimeout API Gateway's 29 s; shorter only in a test of what lies past it */
    RestApiEmulator(String host, int port, Duration integrationTimeout) throws Exception {
        this.integrationTimeout = integrationTimeout;
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("local-api");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback);
                return true;
            }
        });
        server.setErrorHandler(new ProblemErrorHandler());
        server.start();
    }

    /** Serves the template's routes through the gateway. */
    public void serve(List<Route> routes, LocalGateway gateway) {
        List<CompiledRoute> compiled = new ArrayList<>();
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
            compiled.add(new CompiledRoute(route, Pattern.compile(regex.toString()), names));
        }
        this.gateway = gateway;
        this.routes = List.copyOf(compiled);
    }

    /** A page under {@code /_local/} that only the local stack serves. */
    public void addLocalPage(String path, LocalPage page) {
        if (!path.startsWith("/_local/")) {
            throw new IllegalArgumentException("local pages live under /_local/: " + path);
        }
        localPages.put(path, page);
    }

    public int port() {
        return connector.getLocalPort();
    }

    private void serve(Request request, Response response, Callback callback) {
        String requestId = UUID.randomUUID().toString();
        String path = request.getHttpURI().getDecodedPath();
        try {
            send(response, callback, answer(request, path, requestId));
        } catch (RuntimeException e) {
            // API Gateway answers 502 when the function itself fails.
            Log.error("the function failed", e, "apiRequestId", requestId);
            send(response, callback, problem(Problem.of(ProblemType.GATEWAY_ERROR,
                    "The function failed: " + e.getClass().getSimpleName()), path, requestId));
        }
    }

    private ProxyEvent.Answer answer(Request request, String path, String requestId) {
        LocalPage page = localPages.get(path);
        if (page != null) {
            return new ProxyEvent.Answer(200, Map.of("Content-Type", List.of(page.contentType())), page.body().get());
        }
        String method = request.getMethod().toUpperCase();
        byte[] body = readBody(request); // always, so that a refusal leaves the connection reusable
        CompiledRoute match = null;
        Matcher matcher = null;
        for (CompiledRoute candidate : routes) {
            Matcher m = candidate.pattern().matcher(path);
            if (m.matches() && (candidate.route().method().equals("ANY") || candidate.route().method().equals(method))) {
                match = candidate;
                matcher = m;
                break;
            }
        }
        if (match == null) {
            return problem(Problem.of(ProblemType.NOT_FOUND, "No such route."), path, requestId);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName(), name -> new ArrayList<>()).add(field.getValue());
        }
        String sourceIp = Request.getRemoteAddr(request);
        LocalGateway.Admission admission = gateway.admit(method, path, headers, sourceIp);
        if (admission instanceof LocalGateway.Admission.Refused refused) {
            ProxyEvent.Answer answer = problem(refused.refusal().problem(), path, requestId);
            Map<String, List<String>> withHeaders = new LinkedHashMap<>(answer.headers());
            refused.refusal().headers().forEach((name, value) -> withHeaders.put(name, List.of(value)));
            return new ProxyEvent.Answer(answer.status(), withHeaders, answer.body());
        }
        LocalGateway.Admission.Admitted admitted = (LocalGateway.Admission.Admitted) admission;

        Map<String, String> pathParameters = new LinkedHashMap<>();
        for (int i = 0; i < match.parameterNames().size(); i++) {
            pathParameters.put(match.parameterNames().get(i), matcher.group(i + 1));
        }
        ObjectNode event;
        try {
            event = ProxyEvent.build(request.getMethod(), path, match.route().path(), pathParameters, headers,
                    request.getHttpURI().getQuery(), body, requestId, admitted.identity(), admitted.authorizer());
        } catch (ProxyEvent.MalformedUrlException e) {
            return problem(Problem.of(ProblemType.MALFORMED_REQUEST, "The URL is malformed: " + e.getMessage() + "."),
                    path, requestId);
        }
        try {
            return ProxyEvent.Answer.of(invoke(match.route(), event, requestId));
        } catch (FunctionTimeout.TimedOutException e) {
            return timedOut(match.route(), path, headers, requestId);
        }
    }

    /**
     * Past 29 s API Gateway answers 504 (its INTEGRATION_TIMEOUT response); a function whose Timeout is
     * shorter is stopped by Lambda first, and the gateway answers 502 for the failed invocation.
     */
    private ProxyEvent.Answer timedOut(Route route, String path, Map<String, List<String>> headers, String requestId) {
        if (Duration.ofSeconds(route.timeoutSeconds()).compareTo(integrationTimeout) < 0) {
            return problem(Problem.of(ProblemType.GATEWAY_ERROR, "The function timed out after its "
                    + route.timeoutSeconds() + " s."), path, requestId);
        }
        GatewayResponses.Refusal refusal = gateway.refusal("INTEGRATION_TIMEOUT", "Endpoint request timed out", headers);
        ProxyEvent.Answer answer = problem(refusal.problem(), path, requestId);
        Map<String, List<String>> withHeaders = new LinkedHashMap<>(answer.headers());
        refusal.headers().forEach((name, value) -> withHeaders.put(name, List.of(value)));
        return new ProxyEvent.Answer(answer.status(), withHeaders, answer.body());
    }

    private static byte[] readBody(Request request) {
        try {
            ByteBuffer buffer = Content.Source.asByteBuffer(request);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The function, stopped at its Timeout or API Gateway's 29 s, whichever comes first. */
    private JsonNode invoke(Route route, ObjectNode event, String requestId) {
        Duration timeout = Duration.ofSeconds(route.timeoutSeconds());
        Duration limit = timeout.compareTo(integrationTimeout) < 0 ? timeout : integrationTimeout;
        return FunctionTimeout.run(route.functionName(), limit, () -> {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            route.handler().handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), output,
                    new LocalContext(requestId, route.functionName(), route.timeoutSeconds()));
            return Json.MAPPER.readTree(output.toByteArray());
        });
    }

    static ProxyEvent.Answer problem(Problem problem, String instance, String requestId) {
        ApiResponse response = ApiResponses.problem(problem, instance, requestId);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.headers().forEach((name, value) -> headers.put(name, List.of(value)));
        return new ProxyEvent.Answer(response.statusCode(), headers, response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(Response response, Callback callback, ProxyEvent.Answer answer) {
        response.setStatus(answer.status());
        answer.headers().forEach((name, values) -> values.forEach(value -> response.getHeaders().add(name, value)));
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    /** What Jetty refuses before routing (a URL it cannot parse, a bad request line) is problem+json too. */
    private static final class ProblemErrorHandler extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            Problem problem = status >= 500
                    ? Problem.of(ProblemType.GATEWAY_ERROR, "The local API failed to answer (" + status + ").")
                    : Problem.of(ProblemType.MALFORMED_REQUEST, "The request is malformed (" + status + "): "
                            + "check its URL's percent-encoding and its headers.");
            ProxyEvent.Answer answer = problem(problem, request.getHttpURI().getPath(), UUID.randomUUID().toString());
            send(response, callback, answer);
            return true;
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the local API did not stop", e);
        }
    }
}
