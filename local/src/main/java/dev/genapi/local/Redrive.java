package dev.genapi.local;

import dev.genapi.local.template.SamTemplate;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local stack's redrive, the same SQS call a deployed stack's README command makes: StartMessageMoveTask
 * from each dead-letter queue the template declares back to the queue that feeds it.
 */
public final class Redrive {

    private Redrive() {
    }

    /** @return one line per dead-letter queue redriven */
    public static List<String> run(SqsClient sqs, SamTemplate template) {
        List<String> done = new ArrayList<>();
        for (String queue : template.queuesInCreationOrder()) {
            Object policy = template.properties(queue).get("RedrivePolicy");
            if (!(policy instanceof Map<?, ?> redrive)) {
                continue;
            }
            String deadLetterArn = String.valueOf(redrive.get("deadLetterTargetArn"));
            String sourceArn = template.queueArn(queue);
            String handle = sqs.startMessageMoveTask(r -> r.sourceArn(deadLetterArn).destinationArn(sourceArn)).taskHandle();
            done.add("moving messages from " + deadLetterArn + " back to " + sourceArn + " (task " + handle + ")");
        }
        return done;
    }

    /** {@code local/redrive}: redrives the running local stack's dead-letter queues. */
    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        URI endpoint = URI.create("http://localhost:" + env.getOrDefault("GENAPI_SQS_PORT", "9324"));
        try (SqsClient sqs = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            run(sqs, SamTemplate.load(Path.of(env.getOrDefault("GENAPI_TEMPLATE", "template.yaml"))))
                    .forEach(System.out::println);
        } catch (RuntimeException e) {
            System.err.println("redrive failed (is the local stack running?): " + e.getMessage());
            System.exit(1);
        }
    }
}
