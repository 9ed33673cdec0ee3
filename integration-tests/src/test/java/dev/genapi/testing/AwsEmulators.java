package dev.genapi.testing;

import dev.genapi.local.aws.LocalSqs;
import dev.genapi.local.aws.MotoServer;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The shared JUnit 5 extension for integration tests: moto's server (DynamoDB, S3; a child process) and
 * ElasticMQ (SQS, in this JVM), started once per test JVM on free loopback ports, with the resources
 * template.yaml declares, and closed when the run ends.
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

    /** The local emulators; closed by JUnit with the root store. */
    static final class InProcess extends AwsBackend implements AutoCloseable {
        private final MotoServer moto;
        private final LocalSqs sqs;

        private InProcess(MotoServer moto, LocalSqs sqs) {
            this.moto = moto;
            this.sqs = sqs;
        }

        static InProcess start() {
            MotoServer moto = MotoServer.start(0);
            try {
                InProcess backend = new InProcess(moto, LocalSqs.start(0));
                backend.createResources();
                return backend;
            } catch (RuntimeException e) {
                moto.close();
                throw e;
            }
        }

        @Override
        public String name() {
            return "local emulators";
        }

        @Override
        public URI dynamoDbEndpoint() {
            return moto.endpoint();
        }

        @Override
        public URI s3Endpoint() {
            return moto.endpoint();
        }

        @Override
        public URI sqsEndpoint() {
            return sqs.endpoint();
        }

        @Override
        public void close() {
            closeClients();
            sqs.close();
            moto.close();
        }
    }
}
