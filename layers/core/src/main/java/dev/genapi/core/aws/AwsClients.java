package dev.genapi.core.aws;

import dev.genapi.core.config.Env;
import dev.genapi.core.observe.Tracer;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SDK clients as every function builds them, once per container: the explicit region Lambda provides, the
 * JDK URLConnection HTTP client (the lightest to load), and bounded call times. The SDK's own endpoint
 * variables, {@code AWS_ENDPOINT_URL_<SERVICE>} or else {@code AWS_ENDPOINT_URL}, point them at emulators
 * (the local stack and tests), with the emulators' dummy credentials. Where Lambda traces the function, each
 * call is an X-Ray subsegment.
 */
public final class AwsClients {

    private AwsClients() {
    }

    public static DynamoDbClient dynamoDb(Env env) {
        return configure(DynamoDbClient.builder(), "DYNAMODB", env, Duration.ofSeconds(5)).build();
    }

    public static SqsClient sqs(Env env) {
        return configure(SqsClient.builder(), "SQS", env, Duration.ofSeconds(5)).build();
    }

    /** How every genapi SDK client is configured. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(
            B builder, String service, Env env, Duration apiCallTimeout) {
        builder.region(Region.of(env.require("AWS_REGION")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(apiCallTimeout))
                .overrideConfiguration(c -> {
                    c.apiCallTimeout(apiCallTimeout);
                    Tracer tracer = Tracer.from(env);
                    if (tracer.enabled()) {
                        c.addExecutionInterceptor(new TracingInterceptor(tracer));
                    }
                });
        endpointOverride(service, env).ifPresent(builder::endpointOverride);
        return builder.credentialsProvider(credentials(service, env));
    }

    /** The emulator's endpoint for {@code service} (SDK names: DYNAMODB, SQS, SSM), when one is set. */
    public static Optional<URI> endpointOverride(String service, Env env) {
        return Optional.ofNullable(env.get("AWS_ENDPOINT_URL_" + service, env.get("AWS_ENDPOINT_URL", null))).map(URI::create);
    }

    /**
     * The emulators' dummy credentials where {@code service} points at one; otherwise the default chain
     * (in Lambda: the function's role, from the container's credentials under SnapStart).
     */
    public static AwsCredentialsProvider credentials(String service, Env env) {
        return endpointOverride(service, env).isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env.get("AWS_ACCESS_KEY_ID", "local"), env.get("AWS_SECRET_ACCESS_KEY", "local")))
                : DefaultCredentialsProvider.builder().build();
    }
}
