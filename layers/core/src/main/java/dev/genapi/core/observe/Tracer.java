package dev.genapi.core.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * X-Ray subsegments made by hand and sent to the X-Ray daemon Lambda runs beside the function (UDP, the
 * daemon's documented protocol): a few JDK classes instead of the X-Ray SDK's. Only for invocations X-Ray
 * samples; a function without tracing (no {@code AWS_XRAY_DAEMON_ADDRESS}) sends nothing. Tracing never
 * fails the work it traces: a packet that cannot be sent is dropped.
 */
public final class Tracer {

    private static final byte[] HEADER = "{\"format\": \"json\", \"version\": 1}\n".getBytes(StandardCharsets.UTF_8);
    private static final Tracer OFF = new Tracer(null);

    private final InetSocketAddress daemon;
    private DatagramChannel channel;

    private Tracer(InetSocketAddress daemon) {
        this.daemon = daemon;
    }

    /**
     * The daemon Lambda names in {@code AWS_XRAY_DAEMON_ADDRESS}: {@code host:port}, or
     * {@code tcp:host:port udp:host:port}, of which the UDP one.
     */
    public static Tracer from(Env env) {
        String address = env.get("AWS_XRAY_DAEMON_ADDRESS", "").trim();
        for (String part : address.split("\\s+")) {
            String hostPort = part.startsWith("udp:") ? part.substring(4) : part;
            int colon = hostPort.lastIndexOf(':');
            if (!part.startsWith("tcp:") && colon > 0) {
                try {
                    return new Tracer(new InetSocketAddress(hostPort.substring(0, colon),
                            Integer.parseInt(hostPort.substring(colon + 1))));
                } catch (IllegalArgumentException malformed) {
                    return OFF;
                }
            }
        }
        return OFF;
    }

    public static Tracer off() {
        return OFF;
    }

    public boolean enabled() {
        return daemon != null;
    }

    /** A subsegment of this invocation's segment; one that records nothing unless X-Ray samples the invocation. */
    public Subsegment start(String name, String namespace) {
        if (daemon == null) {
            return Subsegment.NONE;
        }
        Optional<TraceHeader> trace = TraceHeader.current().filter(t -> t.sampled() && t.parentId() != null);
        return trace.map(t -> new Subsegment(this, t, name, namespace)).orElse(Subsegment.NONE);
    }

    void send(ObjectNode document) {
        byte[] body = Json.write(document).getBytes(StandardCharsets.UTF_8);
        ByteBuffer packet = ByteBuffer.allocate(HEADER.length + body.length).put(HEADER).put(body).flip();
        try {
            channel().send(packet, daemon);
        } catch (IOException | RuntimeException dropped) {
            // A trace is worth less than the request: never fail for it.
        }
    }

    private synchronized DatagramChannel channel() throws IOException {
        if (channel == null) {
            channel = DatagramChannel.open();
        }
        return channel;
    }
}
