package dev.genapi.model;

import dev.genapi.core.aws.AwsClients;
import dev.genapi.core.config.Env;
import java.time.Duration;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The SSM client that reads the Gemini key at start-up, configured as every genapi client is. */
public final class SsmClients {

    private SsmClients() {
    }

    public static SsmClient create(Env env) {
        return AwsClients.configure(SsmClient.builder(), "SSM", env, Duration.ofSeconds(10)).build();
    }
}
