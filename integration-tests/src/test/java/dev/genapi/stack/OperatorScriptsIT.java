package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.config.Env;
import dev.genapi.core.usage.BudgetTiers;
import dev.genapi.core.usage.Limits;
import dev.genapi.core.usage.CallerLimits;
import dev.genapi.local.aws.FreePort;
import dev.genapi.testing.DeployedTemplate;
import dev.genapi.testing.Repository;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The operator's scripts, run as an operator runs them (bash and the AWS CLI), against moto's API Gateway
 * and DynamoDB: an issued key is on its plan, its tier is recorded the way the functions read it, and a
 * per-caller budget is the one the functions apply. Skipped where the AWS CLI or moto is not installed.
 */
class OperatorScriptsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static Process moto;
    static String endpoint;
    static DynamoDbClient dynamo;

    @BeforeAll
    static void startMoto() throws Exception {
        DeployedTemplate.run(List.of("aws", "--version"));
        int port = FreePort.find();
        try {
            moto = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException notInstalled) {
            Assumptions.abort("moto_server is not installed");
        }
        endpoint = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!listening(port)) {
            Assumptions.assumeTrue(moto.isAlive() && System.nanoTime() < deadline, "moto_server did not start");
            Thread.sleep(100);
        }
        dynamo = DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        aws("dynamodb", "create-table", "--table-name", "usage", "--attribute-definitions",
                "AttributeName=pk,AttributeType=S", "--key-schema", "AttributeName=pk,KeyType=HASH",
                "--billing-mode", "PAY_PER_REQUEST");
    }

    @AfterAll
    static void stopMoto() {
        if (dynamo != null) {
            dynamo.close();
        }
        if (moto != null) {
            moto.destroy();
        }
    }

    static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Runs a command with the AWS CLI pointed at moto; returns what it printed. */
    static String run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(Repository.root().toFile()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("AWS_ENDPOINT_URL", endpoint, "AWS_ACCESS_KEY_ID", "x",
                "AWS_SECRET_ACCESS_KEY", "x", "AWS_DEFAULT_REGION", "us-east-1", "AWS_PAGER", ""));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(command + ":\n" + out).isZero();
        return out;
    }

    static String aws(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("aws", "--output", "json"));
        command.addAll(List.of(arguments));
        return run(command);
    }

    static Limits limitsOf(Caller caller) {
        BudgetTiers tiers = BudgetTiers.from(new Env(Map.of("BUDGET_TIERS", "free=1/10,standard=50/500",
                "BUDGET_DEFAULT_TIER", "free")));
        return new CallerLimits(dynamo, "usage", tiers).of(caller);
    }

    @Test
    void issueApiKeyPutsANewKeyOnItsTiersPlanAndRecordsTheTier() throws Exception {
        String plan = JSON.readTree(aws("apigateway", "create-usage-plan", "--name", "genapi-test-standard")).path("id").asText();

        String printed = run(List.of("scripts/issue-api-key", "--usage-plan-id", plan, "--usage-table", "usage",
                "--tier", "standard", "--name", "customer 42"));

        String keyId = printed.replaceAll("(?s).*id:\\s+(\\S+).*", "$1");
        String value = printed.replaceAll("(?s).*value:\\s+(\\S+).*", "$1");
        JsonNode planKeys = JSON.readTree(aws("apigateway", "get-usage-plan-keys", "--usage-plan-id", plan)).path("items");
        assertThat(planKeys).hasSize(1);
        assertThat(planKeys.get(0).path("id").asText()).isEqualTo(keyId);
        assertThat(planKeys.get(0).path("value").asText()).as("the value printed is the key's").isEqualTo(value);
        assertThat(limitsOf(Caller.ofApiKey(keyId)).tier()).as("the functions read the recorded tier").isEqualTo("standard");
    }

    @Test
    void setBudgetOverridesOneCallersLimitsUntilCleared() throws Exception {
        Caller caller = Caller.ofApiKey("k9");
        assertThat(limitsOf(caller).dailyNanoUsd()).isEqualTo(1_000_000_000L);

        run(List.of("scripts/set-budget", "--usage-table", "usage", "--caller", caller.scope(), "--daily", "0.25",
                "--monthly", "3"));
        Limits custom = limitsOf(caller);
        assertThat(custom.custom()).isTrue();
        assertThat(custom.dailyNanoUsd()).isEqualTo(250_000_000L);
        assertThat(custom.monthlyNanoUsd()).isEqualTo(3_000_000_000L);

        run(List.of("scripts/set-budget", "--usage-table", "usage", "--caller", caller.scope(), "--clear"));
        assertThat(limitsOf(caller).custom()).isFalse();
    }
}
