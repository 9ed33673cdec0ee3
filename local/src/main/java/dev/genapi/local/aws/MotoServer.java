package dev.genapi.local.aws;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * moto's server (Apache-2.0, Python), serialised by moto_serial.py beside this class: DynamoDB and S3 at one
 * loopback endpoint. A child process of this JVM: stopped by {@link #close()} or a shutdown hook, and by itself
 * when this JVM dies (its standard input closes). Python is {@code python3} on the PATH, or {@code GENAPI_PYTHON}.
 */
public final class MotoServer implements AutoCloseable {

    /** What to install, in one line: moto_serial.py prints the same when moto cannot be imported. */
    public static final String NEEDS = "genapi needs Python 3.9+ with moto[server] 5.x: pip install \"moto[server]>=5,<6\"";
    private static final int READY_SECONDS = 60;
    private static final int KEPT_LINES = 200;

    private final Process process;
    private final int port;
    private final Output output;
    private final Thread shutdownHook;

    private MotoServer(Process process, int port, Output output) {
        this.process = process;
        this.port = port;
        this.output = output;
        this.shutdownHook = new Thread(this::stop, "moto-server-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** @param port 0 for any free port (moto binds it and reports it) */
    public static MotoServer start(int port) {
        return start(port, System.getenv());
    }

    static MotoServer start(int port, Map<String, String> env) {
        String python = env.getOrDefault("GENAPI_PYTHON", "python3");
        List<String> command = new ArrayList<>(List.of(python, "-c", script(), "--host", "127.0.0.1",
                "--port", Integer.toString(port)));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(NEEDS + " (cannot run '" + python + "'; set GENAPI_PYTHON to another)");
        }
        Output output = new Output(process.getInputStream());
        try {
            int bound = output.ready.get(READY_SECONDS, TimeUnit.SECONDS);
            return new MotoServer(process, bound, output);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            destroy(process);
            String said = output.text();
            if (said.contains(NEEDS)) {
                throw new IllegalStateException(said.lines().filter(l -> l.contains(NEEDS)).findFirst().orElse(NEEDS));
            }
            throw new IllegalStateException("moto's server did not start on port " + port
                    + (port == 0 ? "" : " (is something else listening there?)") + "; it said:\n" + said);
        }
    }

    /** Where both DynamoDB and S3 answer (path-style S3 requests). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The server's last lines of output, for a failure message. */
    public String output() {
        return output.text();
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: the process is being stopped anyway
        }
    }

    private void stop() {
        destroy(process);
    }

    private static void destroy(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String script() {
        try (InputStream in = MotoServer.class.getResourceAsStream("moto_serial.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the process's output on a daemon thread: completes {@code ready} with the port, keeps the last lines. */
    private static final class Output {
        final CompletableFuture<Integer> ready = new CompletableFuture<>();
        private final Deque<String> lines = new ArrayDeque<>();

        Output(InputStream stream) {
            Thread reader = new Thread(() -> read(stream), "moto-server-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read(InputStream stream) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (!ready.isDone() && line.startsWith("ready ")) {
                        ready.complete(Integer.parseInt(line.substring("ready ".length()).trim()));
                        continue;
                    }
                    keep(line);
                }
            } catch (IOException | RuntimeException e) {
                keep("(output unreadable: " + e + ")");
            }
            ready.completeExceptionally(new IllegalStateException("moto's server exited"));
        }

        private synchronized void keep(String line) {
            lines.addLast(line);
            if (lines.size() > KEPT_LINES) {
                lines.removeFirst();
            }
        }

        synchronized String text() {
            return String.join("\n", lines);
        }
    }
}
