package dev.genapi.local.sqs;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.genapi.core.log.Log;
import dev.genapi.local.api.FunctionTimeout;
import dev.genapi.local.api.LocalContext;
import dev.genapi.local.template.FunctionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Lambda's SQS event source mapping, locally: pollers (as many as MaximumConcurrency) gather up to BatchSize
 * messages within the batching window, invoke the handler, and delete the records it did not report as
 * failures. Each poller has its own handler, as each concurrent invocation has its own container in Lambda. As in Lambda, a handler that throws, or reports an id that is not in the batch, fails the whole
 * batch, and failed records come back when their visibility timeout ends.
 */
public final class SqsEventSource implements AutoCloseable {

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final FunctionSpec function;
    private final FunctionSpec.SqsTrigger trigger;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> pollers = new ArrayList<>();

    public SqsEventSource(SqsClient sqs, String queueUrl, String queueArn, FunctionSpec function,
                          FunctionSpec.SqsTrigger trigger, Supplier<RequestHandler<SQSEvent, SQSBatchResponse>> containers) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.function = function;
        this.trigger = trigger;
        int concurrency = Math.max(1, trigger.maximumConcurrency() == 0 ? 2 : trigger.maximumConcurrency());
        for (int i = 0; i < concurrency; i++) {
            RequestHandler<SQSEvent, SQSBatchResponse> handler = containers.get();
            Thread poller = new Thread(() -> poll(handler), function.logicalId() + "-poller-" + i);
            poller.setDaemon(true);
            pollers.add(poller);
        }
        pollers.forEach(Thread::start);
    }

    private void poll(RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        while (running.get()) {
            try {
                List<Message> batch = receiveBatch();
                if (!batch.isEmpty()) {
                    invoke(handler, batch);
                }
            } catch (RuntimeException e) {
                if (running.get()) {
                    Log.warn("an SQS poller failed; it polls again in 1 s", e, "function", function.logicalId());
                    sleep(Duration.ofSeconds(1));
                }
            }
        }
    }

    /** Up to BatchSize messages, waiting at most the batching window once the first has arrived. */
    private List<Message> receiveBatch() {
        List<Message> batch = new ArrayList<>();
        long windowEnds = Long.MAX_VALUE;
        while (running.get() && batch.size() < trigger.batchSize() && System.currentTimeMillis() < windowEnds) {
            int wait = batch.isEmpty() ? 1 : 0;
            List<Message> received = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                    .maxNumberOfMessages(Math.min(10, trigger.batchSize() - batch.size()))
                    .waitTimeSeconds(wait)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            if (received.isEmpty() && batch.isEmpty()) {
                return batch;
            }
            if (batch.isEmpty()) {
                windowEnds = System.currentTimeMillis() + trigger.batchingWindowSeconds() * 1_000L;
            }
            batch.addAll(received);
            if (received.isEmpty()) {
                sleep(Duration.ofMillis(50));
            }
        }
        return batch;
    }

    private void invoke(RequestHandler<SQSEvent, SQSBatchResponse> handler, List<Message> batch) {
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message message : batch) {
            records.add(toRecord(message));
        }
        event.setRecords(records);
        Set<String> failed;
        try {
            SQSBatchResponse response = FunctionTimeout.run(function.name(), Duration.ofSeconds(function.timeoutSeconds()),
                    () -> handler.handleRequest(event,
                            new LocalContext(UUID.randomUUID().toString(), function.name(), function.timeoutSeconds())));
            failed = failedIds(response, batch);
        } catch (FunctionTimeout.TimedOutException e) {
            Log.warn("the function timed out; the whole batch returns to the queue", e, "function", function.logicalId());
            return;
        } catch (RuntimeException e) {
            Log.error("the function failed; the whole batch returns to the queue", e, "function", function.logicalId());
            return;
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (!failed.contains(batch.get(i).messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(batch.get(i).receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
        }
    }

    /** The reported failures; every id when the report is invalid, as Lambda treats it. */
    private Set<String> failedIds(SQSBatchResponse response, List<Message> batch) {
        Set<String> all = new HashSet<>();
        batch.forEach(m -> all.add(m.messageId()));
        if (!trigger.reportsItemFailures()) {
            return Set.of();
        }
        if (response == null || response.getBatchItemFailures() == null) {
            return Set.of();
        }
        Set<String> failed = new HashSet<>();
        for (SQSBatchResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            String id = failure.getItemIdentifier();
            if (id == null || id.isEmpty() || !all.contains(id)) {
                return all;
            }
            failed.add(id);
        }
        return failed;
    }

    private SQSEvent.SQSMessage toRecord(Message message) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(message.messageId());
        record.setReceiptHandle(message.receiptHandle());
        record.setBody(message.body());
        record.setMd5OfBody(message.md5OfBody());
        record.setMd5OfMessageAttributes(message.md5OfMessageAttributes());
        record.setEventSource("aws:sqs");
        record.setEventSourceArn(queueArn);
        record.setAwsRegion("us-east-1");
        Map<String, String> attributes = new HashMap<>();
        message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
        record.setAttributes(attributes);
        Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
        message.messageAttributes().forEach((name, value) -> {
            SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
            attribute.setDataType(value.dataType());
            attribute.setStringValue(value.stringValue());
            messageAttributes.put(name, attribute);
        });
        record.setMessageAttributes(messageAttributes);
        return record;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread poller : pollers) {
            try {
                poller.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
