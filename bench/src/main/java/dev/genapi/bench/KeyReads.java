package dev.genapi.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading the Gemini key at start-up three ways ({@link KeyReadProbe}), each round a fresh JVM per way,
 * interleaved, against one local server that answers as SSM's GetParameter and as the Parameters and Secrets
 * extension do. What this cannot show: the extension's own start (a separate process Lambda starts in the
 * init phase) and a real SSM round trip; the table is the function's side of each.
 */
final class KeyReads implements AutoCloseable {

    static final List<String> WAYS = List.of("sdk", "genapi", "extension");
    static final String PARAMETER = "/genapi/bench/gemini-api-key";
    private static final Pattern PROBE = Pattern.compile("PROBE-KEY micros=(\\d+) classes=(\\d+) key=(.*)");
    private static final String ANSWER = "{\"Parameter\": {\"Name\": \"" + PARAMETER + "\", \"Type\": \"SecureString\","
            + " \"Value\": \"bench-key\", \"Version\": 1, \"DataType\": \"text\"}}";

    record Way(Samples millis, long classes) {
    }

    private final HttpServer server;

    KeyReads() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", KeyReads::answer);
        server.start();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        boolean sdk = "AmazonSSM.GetParameter".equals(exchange.getRequestHeaders().getFirst("X-Amz-Target"))
                && exchange.getRequestHeaders().getFirst("Authorization") != null;
        boolean extension = exchange.getRequestURI().getPath().equals("/systemsmanager/parameters/get")
                && exchange.getRequestHeaders().getFirst("X-Aws-Parameters-Secrets-Token") != null;
        byte[] body = (sdk || extension ? ANSWER : "{\"message\": \"not a GetParameter\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(sdk || extension ? 200 : 400, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** The probe's environment: the function's, with SSM and the extension's port on the local server. */
    Map<String, String> environment(Map<String, String> function) {
        Map<String, String> env = new LinkedHashMap<>(function);
        String port = Integer.toString(server.getAddress().getPort());
        env.put("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:" + port);
        env.put("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", port);
        env.put("GEMINI_API_KEY_PARAMETER", PARAMETER);
        env.remove("GEMINI_API_KEY");
        env.putIfAbsent("AWS_ACCESS_KEY_ID", "local");
        env.putIfAbsent("AWS_SECRET_ACCESS_KEY", "local");
        return env;
    }

    Map<String, Way> measure(String classpath, Map<String, String> function, int rounds) throws IOException, InterruptedException {
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        Map<String, Long> classes = new LinkedHashMap<>();
        WAYS.forEach(way -> millis.put(way, new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            for (String way : WAYS) {
                long[] run = run(classpath, environment(function), way);
                millis.get(way).add(run[0] / 1e3);
                classes.put(way, run[1]);
            }
        }
        Map<String, Way> ways = new LinkedHashMap<>();
        WAYS.forEach(way -> ways.put(way, new Way(Samples.of(millis.get(way)), classes.get(way))));
        return ways;
    }

    private static long[] run(String classpath, Map<String, String> env, String way) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ColdStarts.JVM);
        command.addAll(List.of("-cp", classpath, KeyReadProbe.class.getName(), way));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Matcher probe = PROBE.matcher(output);
        if (!probe.find() || !probe.group(3).equals("bench-key")) {
            throw new IllegalStateException("the key read (" + way + ") failed:\n" + output);
        }
        return new long[] {Long.parseLong(probe.group(1)), Long.parseLong(probe.group(2))};
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
