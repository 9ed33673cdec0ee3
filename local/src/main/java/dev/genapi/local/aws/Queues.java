package dev.genapi.local.aws;

import dev.genapi.core.encoding.Json;
import dev.genapi.local.template.SamTemplate;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates the queues exactly as template.yaml declares them (visibility timeout, retention, redrive policy),
 * dead-letter queues first, and tells the template their URLs so that {@code !Ref Queue} resolves to them.
 */
public final class Queues {

    private Queues() {
    }

    public static void create(SqsClient sqs, SamTemplate template) {
        for (String id : template.queuesInCreationOrder()) {
            Map<String, Object> properties = template.properties(id);
            Map<QueueAttributeName, String> attributes = new HashMap<>();
            properties.forEach((name, value) -> {
                switch (name) {
                    case "VisibilityTimeout" -> attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(value));
                    case "MessageRetentionPeriod" -> attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, String.valueOf(value));
                    case "DelaySeconds" -> attributes.put(QueueAttributeName.DELAY_SECONDS, String.valueOf(value));
                    case "ReceiveMessageWaitTimeSeconds" -> attributes.put(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, String.valueOf(value));
                    case "RedrivePolicy" -> attributes.put(QueueAttributeName.REDRIVE_POLICY,
                            Json.write(Json.MAPPER.valueToTree(value)));
                    default -> throw new IllegalArgumentException("the local stack does not create queues with " + name);
                }
            });
            String url = sqs.createQueue(r -> r.queueName(template.physicalName(id)).attributes(attributes)).queueUrl();
            template.registerQueueUrl(id, url);
            String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            if (!arn.equals(template.queueArn(id))) {
                throw new IllegalStateException("queue " + id + " has ARN " + arn + ", but the template resolves "
                        + template.queueArn(id));
            }
        }
    }
}
