package dev.genapi.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotoServerTest {

    @Test
    void startsOnAFreeLoopbackPortAndIsGoneOnceClosed() throws IOException {
        MotoServer moto = MotoServer.start(0);
        int port = moto.endpoint().getPort();
        assertThat(moto.endpoint().getHost()).isEqualTo("127.0.0.1");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        }
        moto.close();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void withoutPythonItSaysWhatToInstallInOneLine() {
        assertThatThrownBy(() -> MotoServer.start(0, Map.of("GENAPI_PYTHON", "/nonexistent/python3")))
                .isInstanceOf(IllegalStateException.class)
                .hasNoCause()
                .hasMessageStartingWith(MotoServer.NEEDS)
                .hasMessageContaining("/nonexistent/python3")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void withoutMotoItPassesOnTheScriptsOneLine(@TempDir Path dir) throws IOException {
        // A Python without moto: moto_serial.py prints the line and exits 3, as this stand-in does.
        Path python = Files.writeString(dir.resolve("python3"), "#!/bin/sh\necho 'some warning'\necho '"
                + MotoServer.NEEDS.replace("'", "'\\''") + " (found: No module named moto)'\nexit 3\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> MotoServer.start(0, Map.of("GENAPI_PYTHON", python.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasNoCause()
                .hasMessage(MotoServer.NEEDS + " (found: No module named moto)");
    }
}
