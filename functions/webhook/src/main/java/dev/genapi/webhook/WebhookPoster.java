package dev.genapi.webhook;

import dev.genapi.core.webhooks.WebhookTargets;
import dev.genapi.core.webhooks.WebhookTargets.RefusedTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * POSTs one delivery, safe against server-side request forgery: the host is resolved here, every address it
 * resolves to is checked ({@link WebhookTargets#checkAddress}), and the connection goes to the address that
 * was checked, so a DNS answer cannot change between the check and the connect. TLS is then layered on that
 * socket with the host name for SNI and certificate checks. HTTP/1.1 is written by hand (a request, then the
 * status line and headers): redirects are never followed, every step has a timeout, and the whole delivery
 * (the lookup, each connect, TLS, the write and the read) ends at its deadline, when a watchdog closes the
 * socket whatever it is blocked in; at most {@value #MAX_RESPONSE_BYTES} bytes of the answer are ever read.
 */
final class WebhookPoster {

    static final int MAX_RESPONSE_BYTES = 8 * 1024;

    /** Resolves a host name; the JDK's resolver outside tests. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** What the receiver answered: its status and, for 429 and 503, its Retry-After in seconds (or -1). */
    record Answer(int status, int retryAfterSeconds) {
    }

    /** The receiver could not be reached or did not answer in time; worth trying again later. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    private final WebhookTargets targets;
    private final Resolver resolver;
    private final SSLSocketFactory tls;
    private final Duration connectTimeout;
    private final Duration deadline;

    WebhookPoster(WebhookTargets targets, Resolver resolver, SSLSocketFactory tls, Duration connectTimeout,
                  Duration deadline) {
        this.targets = targets;
        this.resolver = resolver;
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.deadline = deadline;
    }

    /** Addresses of one host tried at most, each within what is left of the deadline. */
    static final int MAX_ADDRESSES_TRIED = 3;

    /** Closes a delivery's socket when its deadline passes, whatever it is blocked in (connect, TLS, write, read). */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(daemon("webhook-deadline"));
    /** Host lookups, which the JDK cannot bound, run here so that a delivery need not wait for one past its deadline. */
    private static final ExecutorService LOOKUPS = Executors.newCachedThreadPool(daemon("webhook-dns"));

    /**
     * @throws RefusedTarget when the URL, or an address its host resolves to, is one genapi does not call
     * @throws Unreachable   when no connection was made, or no answer came before the deadline
     */
    Answer post(String url, Map<String, String> headers, byte[] body) throws RefusedTarget, Unreachable {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        URI uri = targets.checkUrl(url);
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
        InetAddress[] addresses = resolve(host, deadlineNanos);
        for (InetAddress address : addresses) {
            targets.checkAddress(address); // every one: an attacker's name may mix public and internal addresses
        }
        IOException last = null;
        for (int i = 0; i < Math.min(addresses.length, MAX_ADDRESSES_TRIED); i++) {
            Socket socket = new Socket();
            AtomicBoolean expired = new AtomicBoolean();
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
                expired.set(true);
                close(socket);
            }, leftMillis(deadlineNanos), TimeUnit.MILLISECONDS);
            try {
                try {
                    socket.connect(new InetSocketAddress(addresses[i], port),
                            (int) Math.min(connectTimeout.toMillis(), leftMillis(deadlineNanos)));
                } catch (IOException e) {
                    if (expired.get()) {
                        throw timedOut();
                    }
                    last = e;
                    continue;
                }
                try (Socket connected = https ? secure(socket, host, port, deadlineNanos) : socket) {
                    return exchange(connected, uri, host, port, headers, body, deadlineNanos);
                } catch (IOException e) {
                    throw expired.get() || e instanceof SocketTimeoutException ? timedOut()
                            : new Unreachable("the connection failed: " + e.getClass().getSimpleName());
                }
            } finally {
                watchdog.cancel(false);
                close(socket);
            }
        }
        throw new Unreachable("no connection to " + host + ":" + port
                + (last == null ? "" : " (" + last.getClass().getSimpleName() + ")"));
    }

    private Unreachable timedOut() {
        return new Unreachable("the receiver did not answer within " + deadline.toSeconds() + " s");
    }

    private InetAddress[] resolve(String host, long deadlineNanos) throws Unreachable {
        Future<InetAddress[]> lookup = LOOKUPS.submit(() -> resolver.resolve(host));
        try {
            return lookup.get(leftMillis(deadlineNanos), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new Unreachable("the host " + host + " does not resolve");
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new Unreachable("the host " + host + " did not resolve in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while resolving " + host);
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private Socket secure(Socket socket, String host, int port, long deadlineNanos) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.createSocket(socket, host, port, true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout(remainingMillis(deadlineNanos));
        ssl.startHandshake();
        return ssl;
    }

    private Answer exchange(Socket socket, URI uri, String host, int port, Map<String, String> headers, byte[] body,
                            long deadlineNanos) throws IOException {
        StringBuilder head = new StringBuilder();
        // toASCIIString: a path or query written with non-ASCII characters goes on the wire percent-encoded.
        URI ascii = URI.create(uri.toASCIIString());
        String target = (ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath())
                + (ascii.getRawQuery() == null ? "" : "?" + ascii.getRawQuery());
        boolean defaultPort = port == (uri.getScheme().equalsIgnoreCase("https") ? 443 : 80);
        String hostHeader = (host.contains(":") ? "[" + host + "]" : host) + (defaultPort ? "" : ":" + port);
        head.append("POST ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("User-Agent: genapi-webhooks/1\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        socket.setSoTimeout(remainingMillis(deadlineNanos));
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        return readAnswer(socket, deadlineNanos);
    }

    /**
     * Reads the status line and headers of the final answer (interim 1xx answers are skipped), never more than
     * MAX_RESPONSE_BYTES in all, never past the deadline.
     */
    private Answer readAnswer(Socket socket, long deadlineNanos) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[MAX_RESPONSE_BYTES];
        int length = 0;
        int start = 0; // where the current answer's head begins: after any interim answers
        while (true) {
            int end = indexOfHeaderEnd(buffer, start, length);
            if (end < 0 && length < buffer.length) {
                socket.setSoTimeout(remainingMillis(deadlineNanos));
                int read = in.read(buffer, length, buffer.length - length);
                if (read >= 0) {
                    length += read;
                    continue;
                }
            }
            Answer answer = parseHead(new String(buffer, start, (end < 0 ? length : end + 1) - start,
                    StandardCharsets.ISO_8859_1));
            if (end < 0 || answer.status() >= 200 || answer.status() == 101) {
                return answer;
            }
            start = end + 1; // 100 Continue, 103 Early Hints: the final answer follows
        }
    }

    private static Answer parseHead(String head) throws IOException {
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.") || !statusLine[1].matches("[1-5][0-9][0-9]")) {
            throw new IOException("not an HTTP answer");
        }
        int retryAfter = -1;
        for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("retry-after")) {
                String value = lines[i].substring(colon + 1).trim();
                retryAfter = value.matches("[0-9]{1,6}") ? Integer.parseInt(value) : -1;
            }
        }
        return new Answer(Integer.parseInt(statusLine[1]), retryAfter);
    }

    /** The index of the last byte of the first blank line at or after {@code from}, or -1. */
    private static int indexOfHeaderEnd(byte[] buffer, int from, int length) {
        for (int i = from + 3; i < length; i++) {
            if (buffer[i - 3] == '\r' && buffer[i - 2] == '\n' && buffer[i - 1] == '\r' && buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** What is left of the deadline, at least 1 ms (a timeout of 0 would mean none). */
    private static long leftMillis(long deadlineNanos) {
        return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    private static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("the delivery's deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing was sent on it
        }
    }
}
