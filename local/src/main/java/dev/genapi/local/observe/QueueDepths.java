package dev.genapi.local.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.local.template.SamTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * How many messages wait in each of the template's queues, and how many are in flight (received, not yet
 * deleted), as SQS approximates them. Sampled when the page asks, at most every {@link #MIN_INTERVAL}, so
 * that the stack runs no timer of its own; the history of samples is what the page charts.
 */
public final class QueueDepths {

    static final Duration MIN_INTERVAL = Duration.ofMillis(500);
    static final int HISTORY = 600;

    private final SqsClient sqs;
    private final Map<String, String> urlsByQueue;
    private final Clock clock;
    private final Deque<ObjectNode> samples = new ArrayDeque<>();

    QueueDepths(SqsClient sqs, Map<String, String> urlsByQueue, Clock clock) {
        this.sqs = sqs;
        this.urlsByQueue = urlsByQueue;
        this.clock = clock;
    }

    public static QueueDepths of(SqsClient sqs, SamTemplate template, Clock clock) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String queue : template.queuesInCreationOrder()) {
            urls.put(queue, String.valueOf(template.resolve(Map.of("Ref", queue))));
        }
        return new QueueDepths(sqs, urls, clock);
    }

    /** {@code {queues: [logical id], samples: [{t, depths: {queue: {waiting, inFlight}}}]}}, oldest first. */
    public byte[] json() {
        ObjectNode document = Json.object();
        urlsByQueue.keySet().forEach(document.putArray("queues")::add);
        ArrayNode history = document.putArray("samples");
        sampleIfDue().forEach(history::add);
        return Json.write(document).getBytes(StandardCharsets.UTF_8);
    }

    private synchronized List<ObjectNode> sampleIfDue() {
        long now = clock.millis();
        if (samples.isEmpty() || now - samples.getLast().path("t").asLong() >= MIN_INTERVAL.toMillis()) {
            samples.addLast(sample(now));
            if (samples.size() > HISTORY) {
                samples.removeFirst();
            }
        }
        return List.copyOf(samples);
    }

    private ObjectNode sample(long now) {
        ObjectNode sample = Json.object().put("t", now);
        ObjectNode depths = sample.putObject("depths");
        urlsByQueue.forEach((queue, url) -> {
            QueueAttributeName waiting = QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES;
            QueueAttributeName inFlight = QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE;
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(url)
                    .attributeNames(waiting, inFlight)).attributes();
            depths.putObject(queue)
                    .put("waiting", Long.parseLong(attributes.get(waiting)))
                    .put("inFlight", Long.parseLong(attributes.get(inFlight)));
        });
        return sample;
    }
}
