package dev.genapi.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.genapi.core.webhooks.WebhookTargets;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery's HTTP client against receivers that misbehave: one that never finishes its answer, one that
 * answers without end, and TLS with the host name checked against the certificate, at a checked address.
 */
class WebhookPosterIT {

    static final WebhookTargets LOOPBACK_ALLOWED = new WebhookTargets(true, List.of("127.0.0.1/32"));
    static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

    static WebhookPoster poster(WebhookPoster.Resolver resolver, SSLSocketFactory tls, Duration deadline) {
        return new WebhookPoster(LOOPBACK_ALLOWED, resolver, tls, Duration.ofSeconds(2), deadline);
    }

    static InetAddress[] loopback(String host) throws UnknownHostException {
        return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
    }

    /** A raw server: answers each connection with {@code answer}, on a thread of its own. */
    interface Answerer {
        void answer(Socket socket) throws IOException;
    }

    static ServerSocket serve(Answerer answerer) throws IOException {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    answerer.answer(socket);
                } catch (IOException ignored) {
                    // the client went away, as it should
                }
            }
        });
        thread.setDaemon(true);
        thread.start();
        return server;
    }

    @Test
    void aReceiverThatNeverFinishesItsAnswerIsLeftAtTheDeadline() throws Exception {
        try (ServerSocket server = serve(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 1_000; i++) { // a byte of a header every 100 ms: each read succeeds, none finishes
                out.write('x');
                out.flush();
                sleep(100);
            }
        })) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> poster(WebhookPosterIT::loopback, null, Duration.ofSeconds(2))
                    .post("http://drip.test:" + server.getLocalPort() + "/", Map.of(), BODY))
                    .isInstanceOf(WebhookPoster.Unreachable.class).hasMessageContaining("did not answer");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void aReceiverThatStopsReadingIsLeftAtTheDeadlineToo() throws Exception {
        try (ServerSocket server = serve(socket -> sleep(10_000))) { // accepts, never reads: the write blocks
            byte[] large = new byte[16 * 1024 * 1024];
            long start = System.nanoTime();
            assertThatThrownBy(() -> poster(WebhookPosterIT::loopback, null, Duration.ofSeconds(2))
                    .post("http://stalled.test:" + server.getLocalPort() + "/", Map.of(), large))
                    .isInstanceOf(WebhookPoster.Unreachable.class).hasMessageContaining("did not answer");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void anInterimAnswerIsSkippedForTheFinalOne() throws Exception {
        try (ServerSocket server = serve(socket -> {
            socket.getInputStream().read(new byte[4096]);
            socket.getOutputStream().write(("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                    + "HTTP/1.1 204 No Content\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            sleep(200);
        })) {
            assertThat(poster(WebhookPosterIT::loopback, null, Duration.ofSeconds(5))
                    .post("http://interim.test:" + server.getLocalPort() + "/", Map.of(), BODY).status()).isEqualTo(204);
        }
    }

    @Test
    void anEndlessAnswerIsReadNoFurtherThanItsLimit() throws Exception {
        AtomicLong sent = new AtomicLong();
        try (ServerSocket server = serve(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 202 Accepted\r\nX-Padding: ".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < 100_000; i++) { // 100 MB, never a blank line
                out.write(chunk);
                sent.addAndGet(chunk.length);
            }
        })) {
            WebhookPoster.Answer answer = poster(WebhookPosterIT::loopback, null, Duration.ofSeconds(5))
                    .post("http://endless.test:" + server.getLocalPort() + "/", Map.of(), BODY);
            assertThat(answer.status()).isEqualTo(202);
            sleep(200);
            assertThat(sent.get()).as("the server could not send it all: the client stopped reading")
                    .isLessThan(100_000L * 1024);
        }
    }

    @Test
    void httpsChecksTheCertificateAgainstTheHostNameOnTheCheckedAddress(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("receiver.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=receiver.test", "-ext", "SAN=dns:receiver.test", "-validity", "2",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trust.getTrustManagers(), null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        List<String> hosts = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/", exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            WebhookPoster tls = poster(WebhookPosterIT::loopback, clientContext.getSocketFactory(), Duration.ofSeconds(5));
            assertThat(tls.post("https://receiver.test:" + port + "/hook", Map.of("Genapi-Webhook-Id", "job_1.1"), BODY)
                    .status()).isEqualTo(204);
            assertThat(hosts).containsExactly("receiver.test:" + port);
            assertThatThrownBy(() -> tls.post("https://impostor.test:" + port + "/hook", Map.of(), BODY))
                    .as("a certificate for another name").isInstanceOf(WebhookPoster.Unreachable.class);
            assertThat(hosts).hasSize(1);
        } finally {
            server.stop(0);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
