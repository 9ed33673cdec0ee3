package dev.genapi.local.aws;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** ElasticMQ, an SQS-compatible server, in this JVM on a loopback port. */
public final class LocalSqs implements AutoCloseable {

    private final SQSRestServer server;
    private final int port;

    private LocalSqs(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** @param port 0 for any free port */
    public static LocalSqs start(int port) {
        var builder = port == 0 ? SQSRestServerBuilder.withDynamicPort() : SQSRestServerBuilder.withPort(port);
        SQSRestServer server = builder.withInterface("127.0.0.1")
                .withAWSRegion("us-east-1")
                .withAWSAccountId("000000000000")
                .start();
        try {
            return new LocalSqs(server, server.waitUntilStarted().localAddress().getPort());
        } catch (RuntimeException e) {
            server.stopAndWait();
            throw new IllegalStateException("ElasticMQ could not start on port " + port
                    + " (is something else listening there?)", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://localhost:" + port);
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
