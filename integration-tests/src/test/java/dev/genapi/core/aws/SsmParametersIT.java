package dev.genapi.core.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genapi.testing.FakeSsm;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** genapi's one SSM call, at the wire: signed as SSM checks it, and each of SSM's failures answered deliberately. */
class SsmParametersIT {

    FakeSsm ssm;
    SsmParameters parameters;

    @BeforeEach
    void start() {
        ssm = FakeSsm.start().putSecureString("/genapi/test/key", "the-key");
        parameters = parametersAt(ssm.endpoint(), StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
    }

    @AfterEach
    void stop() {
        ssm.close();
    }

    static SsmParameters parametersAt(String endpoint, StaticCredentialsProvider credentials) {
        return new SsmParameters(URI.create(endpoint), "eu-west-1", credentials, Duration.ofSeconds(2));
    }

    @Test
    void readsASecureStringWithASignatureSsmAccepts() {
        assertThat(parameters.decrypted("/genapi/test/key")).isEqualTo("the-key");
        assertThat(ssm.reads()).isEqualTo(1);
        assertThat(ssm.lastSessionToken()).isNull();
    }

    @Test
    void aRoleSessionSignsItsTokenToo() {
        SsmParameters session = parametersAt(ssm.endpoint(),
                StaticCredentialsProvider.create(AwsSessionCredentials.create("local", "local", "session-token")));
        assertThat(session.decrypted("/genapi/test/key")).isEqualTo("the-key");
        assertThat(ssm.lastSessionToken()).isEqualTo("session-token");
    }

    @Test
    void aWrongSecretIsRefusedAsSsmRefusesIt() {
        SsmParameters wrong = parametersAt(ssm.endpoint(), StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "other")));
        assertThatThrownBy(() -> wrong.decrypted("/genapi/test/key"))
                .isInstanceOfSatisfying(SsmParameters.SsmException.class,
                        e -> assertThat(e.type()).isEqualTo("InvalidSignatureException"));
        assertThat(ssm.reads()).isZero();
    }

    @Test
    void aMissingParameterIsNotFoundAtOnce() {
        assertThatThrownBy(() -> parameters.decrypted("/genapi/test/missing"))
                .isInstanceOfSatisfying(SsmParameters.SsmException.class, e -> assertThat(e.type()).isEqualTo("ParameterNotFound"));
        assertThat(ssm.reads()).isEqualTo(1);
    }

    @Test
    void throttlingAndServerErrorsAreTriedAgain() {
        ssm.failNext(1, 400, "ThrottlingException").failNext(1, 500, "InternalServerError");
        assertThat(parameters.decrypted("/genapi/test/key")).isEqualTo("the-key");
        assertThat(ssm.reads()).isEqualTo(3);
    }

    @Test
    void aFailureThatLastsEndsAfterThreeAttempts() {
        ssm.failNext(5, 503, "ServiceUnavailable");
        assertThatThrownBy(() -> parameters.decrypted("/genapi/test/key"))
                .isInstanceOfSatisfying(SsmParameters.SsmException.class, e -> {
                    assertThat(e.type()).isEqualTo("ServiceUnavailable");
                    assertThat(e).hasMessageContaining("3 attempts");
                });
        assertThat(ssm.reads()).isEqualTo(SsmParameters.ATTEMPTS);
    }

    @Test
    void aRefusalIsNotTriedAgain() {
        ssm.failNext(1, 400, "AccessDeniedException");
        assertThatThrownBy(() -> parameters.decrypted("/genapi/test/key"))
                .isInstanceOfSatisfying(SsmParameters.SsmException.class, e -> assertThat(e.type()).isEqualTo("AccessDeniedException"));
        assertThat(ssm.reads()).isEqualTo(1);
    }

    @Test
    void anUnreachableSsmIsTriedAgainThenReported() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SsmParameters unreachable = parametersAt("http://127.0.0.1:" + closedPort,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        assertThatThrownBy(() -> unreachable.decrypted("/genapi/test/key"))
                .isInstanceOfSatisfying(SsmParameters.SsmException.class, e -> {
                    assertThat(e.type()).isEqualTo("Unreachable");
                    assertThat(e).hasMessageContaining("3 attempts");
                });
    }
}
