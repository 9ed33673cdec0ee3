package dev.genapi.local.sqs;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A function an SQS event source invokes, as Lambda's runtime invokes a stream handler: the event as the
 * JSON Lambda sends (the shape of {@code events/worker-*.json}), the partial batch response read back from
 * the JSON the function writes. The local stack and the tests hand it typed events.
 */
public final class SqsFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final RequestStreamHandler handler;

    public SqsFunction(RequestStreamHandler handler) {
        this.handler = handler;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(Json.write(json(event)).getBytes(StandardCharsets.UTF_8)),
                    output, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return response(Json.parseBody(output.toString(StandardCharsets.UTF_8)));
    }

    /** Lambda's JSON for an SQS event. */
    static ObjectNode json(SQSEvent event) {
        ObjectNode json = Json.object();
        ArrayNode records = json.putArray("Records");
        for (SQSEvent.SQSMessage message : event.getRecords() == null ? List.<SQSEvent.SQSMessage>of() : event.getRecords()) {
            ObjectNode record = records.addObject().put("messageId", message.getMessageId())
                    .put("receiptHandle", message.getReceiptHandle()).put("body", message.getBody());
            ObjectNode attributes = record.putObject("attributes");
            (message.getAttributes() == null ? Map.<String, String>of() : message.getAttributes()).forEach(attributes::put);
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            (message.getMessageAttributes() == null ? Map.<String, SQSEvent.MessageAttribute>of() : message.getMessageAttributes())
                    .forEach((name, attribute) -> messageAttributes.putObject(name)
                            .put("stringValue", attribute.getStringValue()).put("dataType", attribute.getDataType()));
            record.put("md5OfBody", message.getMd5OfBody()).put("eventSource", message.getEventSource())
                    .put("eventSourceARN", message.getEventSourceArn()).put("awsRegion", message.getAwsRegion());
        }
        return json;
    }

    private static SQSBatchResponse response(JsonNode json) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (JsonNode failure : json.path("batchItemFailures")) {
            failures.add(new SQSBatchResponse.BatchItemFailure(failure.path("itemIdentifier").asText(null)));
        }
        return new SQSBatchResponse(failures);
    }
}
