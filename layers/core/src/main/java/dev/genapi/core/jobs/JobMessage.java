package dev.genapi.core.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.encoding.Text;
import dev.genapi.core.webhooks.WebhookTargets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The jobs queue's message, the one schema every producer uses (the API, a batch, EventBridge, SNS, Step
 * Functions, a script):
 * <pre>{@code
 * {"request": {...a /v1/generate body...},        required unless the job already exists
 *  "jobId": "job_<32 hex>",                        optional: the worker creates the job under this id
 *  "customId": "...", "caller": "...",             optional
 *  "apiKeyId": "...",                              with a jwt: caller, required: the API key (tenant) over it
 *  "cacheControl": "no-cache" | "no-store",        optional
 *  "callbackUrl": "https://..."}                   optional: where the job's status is POSTed when it finishes
 * }</pre>
 * The API's own messages name only the job (its record holds the request), which keeps them far below
 * SQS's 256 KB message limit whatever the prompt's size.
 *
 * @param caller whose job it is: an {@code apikey:} scope names its key; a {@code jwt:} subject comes with the
 *               API key it belongs to, whose tier applies and whose budget caps it as on the API
 */
public record JobMessage(String jobId, JsonNode request, Optional<Caller> caller, String customId,
                         String cacheControl, String callbackUrl) {

    /** A message the worker cannot act on; it goes to the dead-letter queue. Its message never quotes the body. */
    public static final class MalformedMessageException extends Exception {
        public MalformedMessageException(String message) {
            super(message, null, false, false);
        }
    }

    /** The message for a job the API has stored. */
    public static JobMessage of(Job job) {
        return new JobMessage(job.id(), null, Optional.empty(), null, null, null);
    }

    /** The body of a message the API sends: the job's id alone. */
    public String toJson() {
        return Json.write(Json.object().put("jobId", jobId));
    }

    public static JobMessage parse(String body) throws MalformedMessageException {
        JsonNode json;
        try {
            json = body == null ? null : Json.parseStrict(body);
        } catch (Json.MalformedJsonException e) {
            throw new MalformedMessageException("the body is " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new MalformedMessageException("the body is not a JSON object");
        }
        String jobId = text(json, "jobId");
        if (jobId != null && !Ids.isJobId(jobId)) {
            throw new MalformedMessageException("jobId must look like job_<32 hex digits>");
        }
        JsonNode request = json.get("request");
        if (request != null && !request.isObject()) {
            throw new MalformedMessageException("request must be a JSON object");
        }
        if (request == null && jobId == null) {
            throw new MalformedMessageException("it has neither a request nor a jobId");
        }
        Optional<Caller> caller = caller(text(json, "caller"), text(json, "apiKeyId"));
        String customId = text(json, "customId");
        if (customId != null && !CustomIds.valid(customId)) {
            throw new MalformedMessageException("customId " + CustomIds.RULE);
        }
        String cacheControl = text(json, "cacheControl");
        if (cacheControl != null && (cacheControl.length() > 256 || Text.hasControlCharacter(cacheControl))) {
            throw new MalformedMessageException("cacheControl must be a Cache-Control header value");
        }
        String callbackUrl = text(json, "callbackUrl");
        if (callbackUrl != null && (callbackUrl.isEmpty() || callbackUrl.length() > WebhookTargets.MAX_URL_LENGTH
                || Text.hasControlCharacter(callbackUrl))) {
            // Whether genapi may call it is decided when it is delivered (the job's callback then says why not).
            throw new MalformedMessageException("callbackUrl must be a URL of at most " + WebhookTargets.MAX_URL_LENGTH
                    + " characters");
        }
        return new JobMessage(jobId, request, caller, customId, cacheControl, callbackUrl);
    }

    private static final Pattern API_KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private static Optional<Caller> caller(String scope, String apiKeyId) throws MalformedMessageException {
        if (scope == null) {
            if (apiKeyId != null) {
                throw new MalformedMessageException("apiKeyId goes with a caller, and there is none");
            }
            return Optional.empty();
        }
        if (scope.isBlank() || scope.length() > MAX_CALLER_LENGTH || Text.hasControlCharacter(scope)) {
            throw new MalformedMessageException("caller must be 1 to " + MAX_CALLER_LENGTH
                    + " characters without control characters");
        }
        if (apiKeyId != null && !API_KEY_ID.matcher(apiKeyId).matches()) {
            throw new MalformedMessageException("apiKeyId must be an API key id (1 to 128 letters, digits, - or _)");
        }
        if (scope.startsWith(Caller.TOKEN_PREFIX) && apiKeyId == null) {
            // Without it, the subject would escape its tenant's cap and get the default tier's limits.
            throw new MalformedMessageException("a jwt: caller needs apiKeyId, the API key whose tier and budget cap it");
        }
        if (scope.startsWith(Caller.API_KEY_PREFIX) && apiKeyId != null
                && !scope.equals(Caller.API_KEY_PREFIX + apiKeyId)) {
            throw new MalformedMessageException("apiKeyId must be the caller's own key for an apikey: caller");
        }
        return Optional.of(Caller.ofScope(scope, apiKeyId));
    }

    /** A caller scope is {@code apikey:<id>} or {@code jwt:<issuer>|<subject>}, far below this. */
    static final int MAX_CALLER_LENGTH = 1_024;

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
