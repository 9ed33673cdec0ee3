package dev.genapi.core.queue;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Invocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An SQS event handled as Lambda's partial batch response expects (the template sets
 * ReportBatchItemFailures): the records run in parallel (bounded by the pool), and {@code {"batchItemFailures":
 * [{"itemIdentifier": <messageId>}]}} names those SQS must deliver again. One record's failure never fails
 * another, and no exception escapes: a record that threw or did not finish in time is simply reported.
 */
public final class SqsBatches {

    /** Time kept back from the function's deadline to report the batch. */
    public static final long REPORTING_MARGIN_MILLIS = 3_000;

    /** Handles one record; true when SQS must deliver it again. */
    public interface RecordHandler {
        boolean deliverAgain(SqsMessage record, Invocation invocation);
    }

    private SqsBatches() {
    }

    public static void handle(InputStream input, OutputStream output, Context context, ExecutorService pool,
                              RecordHandler handler) throws IOException {
        List<SqsMessage> records = SqsMessage.readEvent(input);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        Invocation invocation = Invocation.of(context);
        for (SqsMessage record : records) {
            outcomes.add(pool.submit(() -> handler.deliverAgain(record, invocation)));
        }
        long deadline = System.currentTimeMillis()
                + (context == null ? 60_000 : Math.max(1_000, context.getRemainingTimeInMillis() - REPORTING_MARGIN_MILLIS));
        ObjectNode response = Json.object();
        ArrayNode failures = response.putArray("batchItemFailures");
        for (int i = 0; i < records.size(); i++) {
            SqsMessage record = records.get(i);
            boolean again;
            try {
                again = outcomes.get(i).get(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                Log.error("a message failed unexpectedly; SQS delivers it again", e.getCause(), "messageId", record.messageId());
                again = true;
            } catch (TimeoutException e) {
                Log.info("a message did not finish before the deadline; SQS delivers it again", "messageId", record.messageId());
                again = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                again = true;
            }
            if (again) {
                failures.addObject().put("itemIdentifier", record.messageId());
            }
        }
        output.write(Json.write(response).getBytes(StandardCharsets.UTF_8));
    }
}
