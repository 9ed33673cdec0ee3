package dev.genapi.emulator;

import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The emulator contract on the local emulators (moto's server, serialised). */
@ExtendWith(AwsEmulators.class)
class EmulatorContractIT extends EmulatorContract {

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
