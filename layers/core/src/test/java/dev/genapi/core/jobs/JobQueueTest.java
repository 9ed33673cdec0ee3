package dev.genapi.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * A pure unit: JobQueue's handling of SendMessageBatch's partial failures, which the emulators cannot be made
 * to produce. The SQS client is a hand-written stand-in that refuses chosen entries.
 */
class JobQueueTest {

    /** Refuses each entry whose body contains a given text, a given number of times. */
    static final class RefusingSqs implements SqsClient {
        final Map<String, AtomicInteger> refusalsLeft;
        final List<Integer> callSizes = new ArrayList<>();

        RefusingSqs(Map<String, AtomicInteger> refusalsLeft) {
            this.refusalsLeft = refusalsLeft;
        }

        @Override
        public SendMessageBatchResponse sendMessageBatch(Consumer<SendMessageBatchRequest.Builder> request) {
            SendMessageBatchRequest built = SendMessageBatchRequest.builder().applyMutation(request).build();
            callSizes.add(built.entries().size());
            var response = SendMessageBatchResponse.builder();
            List<BatchResultErrorEntry> failed = new ArrayList<>();
            List<SendMessageBatchResultEntry> ok = new ArrayList<>();
            built.entries().forEach(entry -> {
                Optional<AtomicInteger> refusal = refusalsLeft.entrySet().stream()
                        .filter(r -> entry.messageBody().contains(r.getKey())).map(Map.Entry::getValue).findFirst();
                if (refusal.isPresent() && refusal.get().getAndDecrement() > 0) {
                    failed.add(BatchResultErrorEntry.builder().id(entry.id()).code("InternalError").senderFault(false).build());
                } else {
                    ok.add(SendMessageBatchResultEntry.builder().id(entry.id()).messageId("m").build());
                }
            });
            return response.failed(failed).successful(ok).build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }

    static List<JobMessage> messages(int count) {
        List<JobMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(new JobMessage(String.format("job_%032d", i), null, Optional.empty(), null, null, null));
        }
        return messages;
    }

    @Test
    void sendsTenACallAndResendsWhatSqsRefusedOnce() {
        RefusingSqs sqs = new RefusingSqs(Map.of(String.format("job_%032d", 3), new AtomicInteger(1)));
        assertThat(new JobQueue(sqs, "url").sendAll(messages(25), dev.genapi.core.generation.Deadline.in(java.time.Duration.ofDays(1)))).isEmpty();
        assertThat(sqs.callSizes).containsExactly(10, 1, 10, 5);
    }

    @Test
    void pastTheDeadlineNothingIsSentAndEverythingIsReturned() {
        RefusingSqs sqs = new RefusingSqs(Map.of());
        assertThat(new JobQueue(sqs, "url").sendAll(messages(12), dev.genapi.core.generation.Deadline.in(java.time.Duration.ZERO).minus(java.time.Duration.ofSeconds(1)))).hasSize(12);
        assertThat(sqs.callSizes).isEmpty();
    }

    @Test
    void entriesSqsKeepsRefusingAreReturnedNeverDropped() {
        String stubborn = String.format("job_%032d", 12);
        RefusingSqs sqs = new RefusingSqs(Map.of(stubborn, new AtomicInteger(100)));
        assertThat(new JobQueue(sqs, "url").sendAll(messages(15), dev.genapi.core.generation.Deadline.in(java.time.Duration.ofDays(1)))).containsExactly(stubborn);
        assertThat(sqs.callSizes).containsExactly(10, 5, 1, 1, 1);
    }
}
