package dev.genapi.testing;

import dev.genapi.local.LocalEnvironment;
import dev.genapi.local.aws.Queues;
import dev.genapi.local.aws.Tables;
import dev.genapi.local.template.FunctionSpec;
import dev.genapi.local.template.SamTemplate;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where integration tests find AWS: moto's server and ElasticMQ on loopback, or LocalStack in Docker. Both
 * have the tables and queues template.yaml declares, and both give functions the template's environment.
 */
public abstract class AwsBackend {

    private final SamTemplate template = Repository.template();
    private DynamoDbClient dynamoDb;
    private SqsClient sqs;

    public abstract String name();

    public abstract URI dynamoDbEndpoint();

    public abstract URI sqsEndpoint();

    /** Where S3 answers, path-style. */
    public abstract URI s3Endpoint();

    /** A function's environment: the template's, pointed at this backend and at the given model. */
    public Map<String, String> environment(String functionId, Map<String, String> shell) {
        FunctionSpec function = template.function(functionId);
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

    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = SqsClient.builder()
                    .endpointOverride(sqsEndpoint())
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
        }
        return sqs;
    }

    /** The template as this backend resolves it: queue references are its queues' URLs. */
    public SamTemplate template() {
        return template;
    }

    /** Creates the template's tables and queues (once per backend). */
    protected void createResources() {
        Tables.create(dynamoDb(), template.tables());
        Queues.create(sqs(), template);
    }

    public String tableName(String logicalId) {
        return template.physicalName(logicalId);
    }

    public String queueUrl(String logicalId) {
        return String.valueOf(template.resolve(Map.of("Ref", logicalId)));
    }

    protected void closeClients() {
        if (dynamoDb != null) {
            dynamoDb.close();
        }
        if (sqs != null) {
            sqs.close();
        }
    }
}
