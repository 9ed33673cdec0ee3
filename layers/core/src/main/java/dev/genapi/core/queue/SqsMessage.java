package dev.genapi.core.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.encoding.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One record of the SQS event Lambda hands the worker, with the fields the worker uses. The event is read
 * with the project's own Jackson rather than through aws-lambda-java-events and the runtime's serialiser,
 * which load hundreds of classes at a cold start (see the README's cold-start figures).
 *
 * @param attributes SQS's system attributes: ApproximateReceiveCount, SentTimestamp, AWSTraceHeader, ...
 */
public record SqsMessage(String messageId, String receiptHandle, String body, Map<String, String> attributes) {

    /** The records of an SQS event ({"Records": [...]}); an event without records has none. */
    public static List<SqsMessage> readEvent(InputStream event) throws IOException {
        List<SqsMessage> messages = new ArrayList<>();
        for (JsonNode record : Json.MAPPER.readTree(event).path("Records")) {
            Map<String, String> attributes = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> fields = record.path("attributes").fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                attributes.put(field.getKey(), field.getValue().asText());
            }
            messages.add(new SqsMessage(text(record, "messageId"), text(record, "receiptHandle"),
                    text(record, "body"), attributes));
        }
        return messages;
    }

    private static String text(JsonNode record, String field) {
        JsonNode value = record.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** SQS's ApproximateReceiveCount: 1 on the first delivery. */
    public int receiveCount() {
        String count = attributes == null ? null : attributes.get("ApproximateReceiveCount");
        return count == null ? 1 : Integer.parseInt(count);
    }
}
