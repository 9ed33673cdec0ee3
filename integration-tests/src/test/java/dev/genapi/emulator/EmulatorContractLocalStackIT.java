package dev.genapi.emulator;

import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.LocalStackBackend;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;

/** The emulator contract on LocalStack; skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class EmulatorContractLocalStackIT extends EmulatorContract {

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
