package dev.genapi.testing;

import dev.genapi.local.LocalEnvironment;
import dev.genapi.local.aws.Tables;
import dev.genapi.local.template.FunctionSpec;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Where integration tests find AWS: DynamoDB Local and ElasticMQ in this JVM, or LocalStack in Docker. Both
 * have the tables template.yaml declares, and both give functions the template's environment.
 */
public abstract class AwsBackend {

    private DynamoDbClient dynamoDb;

    public abstract String name();

    public abstract URI dynamoDbEndpoint();

    public abstract URI sqsEndpoint();

    /** A function's environment: the template's, pointed at this backend and at the given model. */
    public Map<String, String> environment(String functionId, Map<String, String> shell) {
        FunctionSpec function = Repository.template().function(functionId);
        return new HashMap<>(LocalEnvironment.of(function, dynamoDbEndpoint(), sqsEndpoint(), shell));
    }

    /** As {@link #environment(String, Map)}, with the model at a fake Gemini. */
    public Map<String, String> environment(String functionId, FakeGemini gemini) {
        return environment(functionId, Map.of("GEMINI_API_KEY", "test-key", "GEMINI_BASE_URL", gemini.baseUrl()));
    }

    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = DynamoDbClient.builder()
                    .endpointOverride(dynamoDbEndpoint())
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
        }
        return dynamoDb;
    }

    /** Creates the template's tables (once per backend). */
    protected void createResources() {
        Tables.create(dynamoDb(), Repository.template().tables());
    }

    public String tableName(String logicalId) {
        return Repository.template().physicalName(logicalId);
    }
}
