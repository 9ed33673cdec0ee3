package dev.genapi.core.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationJson;
import dev.genapi.core.webhooks.Callback;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How jobs are kept in the jobs table: one item type each under the key {@value #PK} ({@code job#id},
 * {@code batch#id}, {@code idem#digest}), expiring through the table's TTL on {@value #EXPIRES_AT}.
 */
final class JobItems {

    static final String PK = "pk";
    static final String EXPIRES_AT = "expiresAt";
    static final String CALLBACK = "callback";

    private JobItems() {
    }

    static Map<String, AttributeValue> toItem(Job job) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(PK, s("job#" + job.id()));
        item.put("jobId", s(job.id()));
        job.caller().ifPresent(caller -> {
            item.put("caller", s(caller.scope()));
            caller.apiKeyId().ifPresent(id -> item.put("apiKeyId", s(id)));
        });
        item.put("status", s(job.status().name()));
        item.put("attempts", n(job.attempts()));
        item.put("request", s(job.request()));
        if (job.cacheControl() != null) {
            item.put("cacheControl", s(job.cacheControl()));
        }
        item.put("createdAt", n(job.createdAt().toEpochMilli()));
        item.put("updatedAt", n(job.updatedAt().toEpochMilli()));
        if (job.result() != null) {
            item.put("result", s(Json.write(GenerationJson.of(job.result(), false))));
            item.put("resultCached", AttributeValue.fromBool(job.resultCached()));
        }
        if (job.error() != null) {
            item.put("error", errorValue(job.error()));
        }
        item.put("deadLettered", AttributeValue.fromBool(job.deadLettered()));
        if (job.batchId() != null) {
            item.put("batchId", s(job.batchId()));
            item.put("batchIndex", n(job.batchIndex()));
        }
        if (job.customId() != null) {
            item.put("customId", s(job.customId()));
        }
        item.put(EXPIRES_AT, n(job.expiresAt().getEpochSecond()));
        if (job.callback() != null) {
            item.put(CALLBACK, callbackValue(job.callback()));
        }
        return item;
    }

    static Job toJob(Map<String, AttributeValue> item) {
        Generation result = null;
        if (item.containsKey("result")) {
            try {
                result = GenerationJson.parse(Json.MAPPER.readTree(item.get("result").s()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("job " + item.get("jobId").s() + " has an unreadable result", e);
            }
        }
        JobError error = null;
        if (item.containsKey("error")) {
            Map<String, AttributeValue> e = item.get("error").m();
            error = new JobError(e.get("code").s(), e.get("message").s(), e.get("retryable").bool());
        }
        Optional<Caller> caller = optional(item, "caller")
                .map(scope -> Caller.ofScope(scope, optional(item, "apiKeyId").orElse(null)));
        return new Job(item.get("jobId").s(), caller, JobStatus.valueOf(item.get("status").s()),
                Integer.parseInt(item.get("attempts").n()), optional(item, "request").orElse(null),
                optional(item, "cacheControl").orElse(null),
                Instant.ofEpochMilli(Long.parseLong(item.get("createdAt").n())),
                Instant.ofEpochMilli(Long.parseLong(item.get("updatedAt").n())),
                result, item.containsKey("resultCached") && item.get("resultCached").bool(), error,
                item.containsKey("deadLettered") && item.get("deadLettered").bool(),
                optional(item, "batchId").orElse(null),
                item.containsKey("batchIndex") ? Integer.valueOf(item.get("batchIndex").n()) : null,
                optional(item, "customId").orElse(null),
                item.containsKey("leaseUntil") ? Instant.ofEpochMilli(Long.parseLong(item.get("leaseUntil").n())) : null,
                Instant.ofEpochSecond(Long.parseLong(item.get(EXPIRES_AT).n())), toCallback(item));
    }

    static AttributeValue callbackValue(Callback callback) {
        Map<String, AttributeValue> value = new LinkedHashMap<>();
        value.put("url", s(callback.url()));
        value.put("state", s(callback.state().name()));
        value.put("queuedRound", n(callback.queuedRound()));
        value.put("attempts", n(callback.attempts()));
        value.put("lastStatus", n(callback.lastStatus()));
        if (callback.lastError() != null) {
            value.put("lastError", s(callback.lastError()));
        }
        if (callback.lastAttemptAt() != null) {
            value.put("lastAttemptAt", n(callback.lastAttemptAt().toEpochMilli()));
        }
        if (callback.deliveredAt() != null) {
            value.put("deliveredAt", n(callback.deliveredAt().toEpochMilli()));
        }
        return AttributeValue.fromM(value);
    }

    /** The item's callback, null when it has none. */
    static Callback toCallback(Map<String, AttributeValue> item) {
        AttributeValue value = item.get(CALLBACK);
        if (value == null || !value.hasM()) {
            return null;
        }
        Map<String, AttributeValue> m = value.m();
        return new Callback(m.get("url").s(), Callback.State.valueOf(m.get("state").s()), intOf(m, "queuedRound"),
                intOf(m, "attempts"), intOf(m, "lastStatus"), optional(m, "lastError").orElse(null),
                m.containsKey("lastAttemptAt") ? Instant.ofEpochMilli(Long.parseLong(m.get("lastAttemptAt").n())) : null,
                m.containsKey("deliveredAt") ? Instant.ofEpochMilli(Long.parseLong(m.get("deliveredAt").n())) : null);
    }

    private static int intOf(Map<String, AttributeValue> m, String name) {
        return m.containsKey(name) ? Integer.parseInt(m.get(name).n()) : 0;
    }

    /** Whether the item has expired by {@code now}: DynamoDB may still hold it for up to two days. */
    static boolean expired(Map<String, AttributeValue> item, Instant now) {
        AttributeValue expiresAt = item.get(EXPIRES_AT);
        return expiresAt != null && Long.parseLong(expiresAt.n()) <= now.getEpochSecond();
    }

    static AttributeValue errorValue(JobError error) {
        return AttributeValue.fromM(Map.of("code", s(error.code()), "message", s(error.message()),
                "retryable", AttributeValue.fromBool(error.retryable())));
    }

    static Map<String, AttributeValue> jobKey(String id) {
        return Map.of(PK, s("job#" + id));
    }

    static Optional<String> optional(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? Optional.empty() : Optional.of(value.s());
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
