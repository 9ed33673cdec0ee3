package dev.genapi.jobs;

import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.LocalStackBackend;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;

/** The asynchronous path on LocalStack; skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class AsyncJobsLocalStackIT extends AsyncJobsContract {

    @Container
    static final LocalStackContainer LOCALSTACK = LocalStackBackend.container();

    static AwsBackend localStack;

    @BeforeAll
    static void localStack() {
        localStack = LocalStackBackend.on(LOCALSTACK);
    }

    @Override
    protected AwsBackend backend() {
        return localStack;
    }
}
