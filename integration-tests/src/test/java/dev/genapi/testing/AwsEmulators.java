package dev.genapi.testing;

import dev.genapi.local.aws.LocalDynamoDb;
import dev.genapi.local.aws.LocalSqs;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The shared JUnit 5 extension for integration tests: DynamoDB Local and ElasticMQ, started once per test
 * JVM on free loopback ports, with the resources template.yaml declares, and closed when the run ends.
 * Test methods and {@code @BeforeAll} methods receive it as an {@link AwsBackend} parameter.
 */
public final class AwsEmulators implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == AwsBackend.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(InProcess.class, key -> InProcess.start(), InProcess.class);
    }

    /** The in-process emulators; closed by JUnit with the root store. */
    static final class InProcess extends AwsBackend implements AutoCloseable {
        private final LocalDynamoDb dynamoDb;
        private final LocalSqs sqs;

        private InProcess(LocalDynamoDb dynamoDb, LocalSqs sqs) {
            this.dynamoDb = dynamoDb;
            this.sqs = sqs;
        }

        static InProcess start() {
            LocalDynamoDb dynamoDb = LocalDynamoDb.start(0);
            InProcess backend = new InProcess(dynamoDb, LocalSqs.start(0));
            backend.createResources();
            return backend;
        }

        @Override
        public String name() {
            return "in-process emulators";
        }

        @Override
        public URI dynamoDbEndpoint() {
            return dynamoDb.endpoint();
        }

        @Override
        public URI sqsEndpoint() {
            return sqs.endpoint();
        }

        @Override
        public void close() {
            closeClients();
            sqs.close();
            dynamoDb.close();
        }
    }
}
