package dev.genapi.generate;

import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The cache contract on the local emulators. */
@ExtendWith(AwsEmulators.class)
class GenerateCacheIT extends GenerateCacheContract {

    static AwsBackend emulators;

    @BeforeAll
    static void emulators(AwsBackend backend) {
        emulators = backend;
    }

    @Override
    protected AwsBackend backend() {
        return emulators;
    }
}
