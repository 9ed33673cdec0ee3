package dev.genapi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.aws.AwsClients;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import dev.genapi.model.ApiKeys;
import dev.genapi.core.aws.SsmParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The cost of reading the Gemini key at start-up, three ways, in a fresh JVM that has already done what a
 * function does anyway (built its DynamoDB client and made a call, read and written JSON with genapi's
 * mapper): the SDK's SSM client; genapi's {@link SsmParameters} (one GetParameter signed by the SDK's SigV4
 * signer, which the core layer already carries, sent over the JDK's HttpURLConnection: no 5.95 MB ssm jar);
 * and the client side of the AWS Parameters and Secrets Lambda Extension (a GET to the extension's local
 * port). Prints the time and the classes it loaded. Argument: sdk | genapi | extension.
 */
public final class KeyReadProbe {

    private KeyReadProbe() {
    }

    public static void main(String[] args) throws Exception {
        Env env = Env.system();
        DynamoDbClient dynamo = AwsClients.dynamoDb(env);
        dynamo.listTables(r -> r.limit(1));
        Json.MAPPER.readTree(Json.write(Json.object().put("warm", true))); // every function answers through it anyway
        ClassLoadingMXBean loading = ManagementFactory.getClassLoadingMXBean();
        long classesBefore = loading.getTotalLoadedClassCount();
        String name = env.require("GEMINI_API_KEY_PARAMETER");
        long start = System.nanoTime();
        String key = switch (args[0]) {
            case "sdk" -> sdkGetParameter(env, name);
            case "genapi" -> ApiKeys.from(env, () -> SsmParameters.from(env)).gemini();
            case "extension" -> throughExtension(env, name);
            default -> throw new IllegalArgumentException(args[0]);
        };
        long took = System.nanoTime() - start;
        System.out.println("PROBE-KEY micros=" + took / 1_000 + " classes=" + (loading.getTotalLoadedClassCount() - classesBefore)
                + " key=" + key);
        System.exit(0);
    }

    /** The SDK's SSM client, configured as every genapi SDK client is (genapi's way before this measurement). */
    private static String sdkGetParameter(Env env, String name) {
        try (SsmClient ssm = AwsClients.configure(SsmClient.builder(), "SSM", env, Duration.ofSeconds(10)).build()) {
            return ssm.getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
        }
    }

    /** The extension's own API: a GET on localhost, authorised by the function's session token. */
    private static String throughExtension(Env env, String name) {
        URI uri = URI.create("http://localhost:" + env.get("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "2773")
                + "/systemsmanager/parameters/get?withDecryption=true&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        HttpURLConnection connection = open(uri);
        connection.setRequestProperty("X-Aws-Parameters-Secrets-Token", env.get("AWS_SESSION_TOKEN", "bench"));
        return valueOf(connection);
    }

    private static HttpURLConnection open(URI uri) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(10_000);
            return connection;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String valueOf(HttpURLConnection connection) {
        try (InputStream in = connection.getInputStream()) {
            JsonNode answer = Json.MAPPER.readTree(in);
            return answer.path("Parameter").path("Value").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
