package dev.genapi.testing;

import java.net.URI;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack in Docker, for the same integration tests where a Docker engine exists. Test classes that use
 * it carry {@code @Testcontainers(disabledWithoutDocker = true)}, so without Docker they are reported as
 * skipped and the container is never created.
 */
public final class LocalStackBackend extends AwsBackend {

    public static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4");

    private final LocalStackContainer container;

    private LocalStackBackend(LocalStackContainer container) {
        this.container = container;
    }

    public static LocalStackContainer container() {
        return new LocalStackContainer(IMAGE).withServices("dynamodb", "sqs", "ssm", "s3");
    }

    /** A backend on a started container, with the template's resources created. */
    public static LocalStackBackend on(LocalStackContainer container) {
        LocalStackBackend backend = new LocalStackBackend(container);
        backend.createResources();
        return backend;
    }

    @Override
    public String name() {
        return "LocalStack";
    }

    @Override
    public URI dynamoDbEndpoint() {
        return container.getEndpoint();
    }

    @Override
    public URI sqsEndpoint() {
        return container.getEndpoint();
    }

    @Override
    public URI s3Endpoint() {
        return container.getEndpoint();
    }
}
