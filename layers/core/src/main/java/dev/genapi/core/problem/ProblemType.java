package dev.genapi.core.problem;

/**
 * Every problem type genapi answers with or records on a job, defined once: its HTTP status, its type URI
 * ({@code urn:genapi:problem:<slug>}) and its title. The endpoints, the worker's job errors, the local stack
 * and the template's gateway responses use these; a test holds the README's error tables and the template
 * to them.
 */
public enum ProblemType {
    MALFORMED_JSON(400, "malformed-json", "Malformed JSON"),
    MALFORMED_BODY(400, "malformed-body", "Malformed body"),
    MALFORMED_REQUEST(400, "malformed-request", "Malformed request"),
    INVALID_REQUEST(400, "invalid-request", "Invalid request"),
    INVALID_IDEMPOTENCY_KEY(400, "invalid-idempotency-key", "Invalid Idempotency-Key"),
    UNAUTHORIZED(401, "unauthorized", "Unauthorized"),
    INVALID_TOKEN(401, "invalid-token", "Invalid token"),
    INVALID_API_KEY(403, "invalid-api-key", "Invalid API key"),
    ACCESS_DENIED(403, "access-denied", "Access denied"),
    NOT_FOUND(404, "not-found", "Not found"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    CONTENT_TOO_LARGE(413, "content-too-large", "Content too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    MODEL_REJECTED_REQUEST(422, "model-rejected-request", "Model rejected the request"),
    CONTENT_BLOCKED(422, "content-blocked", "Content blocked"),
    IDEMPOTENCY_KEY_REUSED(422, "idempotency-key-reused", "Idempotency-Key reused"),
    MODEL_RATE_LIMITED(429, "model-rate-limited", "Model rate limited"),
    BUDGET_EXCEEDED(429, "budget-exceeded", "Budget exceeded"),
    THROTTLED(429, "throttled", "Too many requests"),
    QUOTA_EXCEEDED(429, "quota-exceeded", "Quota exceeded"),
    INTERNAL_ERROR(500, "internal-error", "Internal error"),
    MODEL_ERROR(502, "model-error", "Model error"),
    MODEL_BAD_RESPONSE(502, "model-bad-response", "Unexpected model response"),
    GATEWAY_ERROR(502, "gateway-error", "API gateway error"),
    MODEL_UNREACHABLE(503, "model-unreachable", "Model unreachable"),
    MODEL_MISCONFIGURED(503, "model-misconfigured", "Model misconfigured"),
    MODEL_UNAVAILABLE(503, "model-unavailable", "Model unavailable"),
    QUEUE_UNAVAILABLE(503, "queue-unavailable", "Queue unavailable"),
    SERVICE_UNAVAILABLE(503, "service-unavailable", "Service unavailable"),
    MODEL_TIMEOUT(504, "model-timeout", "Model timed out"),
    GATEWAY_TIMEOUT(504, "gateway-timeout", "Gateway timeout"),
    /** API Gateway's DEFAULT_4XX: a refusal of its own whose exact status varies. */
    GATEWAY_REFUSED(400, "gateway-refused", "Request refused by the API gateway"),

    // Codes that only a job's error carries; no HTTP answer has them.
    ENQUEUE_FAILED(503, "enqueue-failed", "Job not queued", true),
    RESULT_TOO_LARGE(413, "result-too-large", "Result too large", true),
    REDELIVERY_EXHAUSTED(503, "redelivery-exhausted", "Deliveries exhausted", true);

    public static final String TYPE_PREFIX = "urn:genapi:problem:";

    private final int status;
    private final String slug;
    private final String title;
    private final boolean jobErrorOnly;

    ProblemType(int status, String slug, String title) {
        this(status, slug, title, false);
    }

    ProblemType(int status, String slug, String title, boolean jobErrorOnly) {
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.jobErrorOnly = jobErrorOnly;
    }

    public int status() {
        return status;
    }

    /** The last part of the type URI; also a job error's {@code code}. */
    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public String uri() {
        return TYPE_PREFIX + slug;
    }

    /** True for codes a job's error may carry but no HTTP response does. */
    public boolean jobErrorOnly() {
        return jobErrorOnly;
    }
}
