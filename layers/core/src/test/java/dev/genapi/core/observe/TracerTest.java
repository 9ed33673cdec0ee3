package dev.genapi.core.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Subsegments as the X-Ray daemon receives them: one UDP packet each, a header line, then the document. */
class TracerTest {

    private static final String SAMPLED = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private DatagramChannel daemon;
    private Tracer tracer;

    @BeforeEach
    void startDaemon() throws IOException {
        daemon = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) daemon.getLocalAddress()).getPort();
        tracer = Tracer.from(new Env(Map.of("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + port)));
    }

    @AfterEach
    void stop() throws IOException {
        System.clearProperty(TraceHeader.PROPERTY);
        daemon.close();
    }

    @Test
    void aSampledCallIsOneSubsegmentOfTheInvocationsSegment() throws IOException {
        System.setProperty(TraceHeader.PROPERTY, SAMPLED);
        tracer.start("DynamoDb", "aws").aws("operation", "GetItem").aws("table_name", "cache")
                .httpStatus(200).end();

        String packet = receive();
        assertThat(packet).startsWith("{\"format\": \"json\", \"version\": 1}\n");
        JsonNode document = Json.MAPPER.readTree(packet.substring(packet.indexOf('\n') + 1));
        assertThat(document.path("type").asText()).isEqualTo("subsegment");
        assertThat(document.path("trace_id").asText()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
        assertThat(document.path("parent_id").asText()).isEqualTo("53995c3f42cd8ad8");
        assertThat(document.path("id").asText()).matches("[0-9a-f]{16}");
        assertThat(document.path("name").asText()).isEqualTo("DynamoDb");
        assertThat(document.path("namespace").asText()).isEqualTo("aws");
        assertThat(document.path("aws").path("operation").asText()).isEqualTo("GetItem");
        assertThat(document.path("aws").path("table_name").asText()).isEqualTo("cache");
        assertThat(document.path("http").path("response").path("status").asInt()).isEqualTo(200);
        assertThat(document.path("end_time").asDouble()).isGreaterThanOrEqualTo(document.path("start_time").asDouble());
        assertThat(document.has("fault") || document.has("error")).isFalse();
    }

    @Test
    void statusesAndExceptionsAreMarkedAsXRayClassifiesThem() throws IOException {
        System.setProperty(TraceHeader.PROPERTY, SAMPLED);
        tracer.start("Gemini", "remote").httpStatus(429).end();
        JsonNode throttled = document(receive());
        assertThat(throttled.path("throttle").asBoolean()).isTrue();
        assertThat(throttled.path("error").asBoolean()).isTrue();

        tracer.start("Gemini", "remote").httpStatus(503).end();
        assertThat(document(receive()).path("fault").asBoolean()).isTrue();

        tracer.start("Gemini", "remote").failed(new IllegalStateException("may quote a prompt")).end();
        JsonNode failed = document(receive());
        assertThat(failed.path("fault").asBoolean()).isTrue();
        assertThat(failed.path("cause").path("exceptions").get(0).path("type").asText())
                .isEqualTo(IllegalStateException.class.getName());
        assertThat(failed.toString()).doesNotContain("may quote a prompt");
    }

    @Test
    void nothingIsSentForAnUnsampledOrUntracedInvocation() throws IOException {
        System.setProperty(TraceHeader.PROPERTY, SAMPLED.replace("Sampled=1", "Sampled=0"));
        Subsegment unsampled = tracer.start("DynamoDb", "aws");
        unsampled.end();
        System.clearProperty(TraceHeader.PROPERTY);
        tracer.start("DynamoDb", "aws").end();

        assertThat(unsampled.recording()).isFalse();
        assertThat(receiveOrNull()).isNull();
        assertThat(Tracer.from(new Env(Map.of())).enabled()).isFalse();
    }

    @Test
    void theDaemonAddressMayNameTcpAndUdp() {
        assertThat(Tracer.from(new Env(Map.of("AWS_XRAY_DAEMON_ADDRESS", "tcp:127.0.0.1:2000 udp:127.0.0.2:2001")))
                .enabled()).isTrue();
        assertThat(Tracer.from(new Env(Map.of("AWS_XRAY_DAEMON_ADDRESS", "tcp:127.0.0.1:2000"))).enabled()).isFalse();
        assertThat(Tracer.from(new Env(Map.of("AWS_XRAY_DAEMON_ADDRESS", "nonsense"))).enabled()).isFalse();
    }

    private static JsonNode document(String packet) throws IOException {
        return Json.MAPPER.readTree(packet.substring(packet.indexOf('\n') + 1));
    }

    private String receive() throws IOException {
        String packet = receiveOrNull();
        assertThat(packet).as("a packet reached the daemon").isNotNull();
        return packet;
    }

    private String receiveOrNull() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        daemon.configureBlocking(false);
        long deadline = System.currentTimeMillis() + 300;
        while (System.currentTimeMillis() < deadline) {
            if (daemon.receive(buffer) != null) {
                return new String(buffer.array(), 0, buffer.flip().limit(), StandardCharsets.UTF_8);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SocketTimeoutException();
            }
        }
        return null;
    }
}
