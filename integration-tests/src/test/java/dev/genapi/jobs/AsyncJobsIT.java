package dev.genapi.jobs;

import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The asynchronous path on the local emulators (moto, ElasticMQ). */
@ExtendWith(AwsEmulators.class)
class AsyncJobsIT extends AsyncJobsContract {

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
