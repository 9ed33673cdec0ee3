package dev.genapi.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Why a model call failed, in the terms callers act on: which HTTP answer it gets, and whether trying again
 * later can help ({@link Kind#transientFailure}).
 *
 * @param detail     safe to show a caller: never the API key, never the provider's raw body for config faults
 * @param retryAfter seconds the provider asked us to wait, or null
 */
public record ModelFailure(Kind kind, String detail, Integer retryAfter) {

    public enum Kind {
        RATE_LIMITED(ProblemType.MODEL_RATE_LIMITED, true, false),
        TIMEOUT(ProblemType.MODEL_TIMEOUT, true, true),
        UPSTREAM_ERROR(ProblemType.MODEL_ERROR, true, false),
        UNREACHABLE(ProblemType.MODEL_UNREACHABLE, true, false),
        MISCONFIGURED(ProblemType.MODEL_MISCONFIGURED, false, false),
        /** Every target of the chain was skipped, its circuit open: no call was made. */
        CIRCUIT_OPEN(ProblemType.MODEL_UNAVAILABLE, true, false),
        REJECTED(ProblemType.MODEL_REJECTED_REQUEST, false, false),
        BLOCKED(ProblemType.CONTENT_BLOCKED, false, true),
        BAD_RESPONSE(ProblemType.MODEL_BAD_RESPONSE, false, true),
        /** Not retried: it may have come after a billed answer, and nothing says another try would differ. */
        UNEXPECTED(ProblemType.MODEL_ERROR, false, true);

        final ProblemType type;
        /** True when the same request may succeed later (the worker retries it; the API suggests Retry-After). */
        public final boolean transientFailure;
        /**
         * True when the provider may have billed the call all the same (it ran, or may have run, to some
         * answer): its reservation is settled at its most rather than released.
         */
        public final boolean mayHaveBeenBilled;

        Kind(ProblemType type, boolean transientFailure, boolean mayHaveBeenBilled) {
            this.type = type;
            this.transientFailure = transientFailure;
            this.mayHaveBeenBilled = mayHaveBeenBilled;
        }
    }

    /** Seconds a caller is asked to wait after a transient failure when the provider named no delay. */
    static final int DEFAULT_RETRY_AFTER = 5;

    /** The problem type, which a job's error reports as its code. */
    public ProblemType type() {
        return kind.type;
    }

    public Problem toProblem() {
        Problem problem = Problem.of(kind.type, detail);
        if (retryAfter != null) {
            return problem.withRetryAfter(retryAfter);
        }
        return kind.transientFailure && kind != Kind.TIMEOUT ? problem.withRetryAfter(DEFAULT_RETRY_AFTER) : problem;
    }

    /** Classifies whatever the LangChain4j model threw. */
    public static ModelFailure classify(Throwable failure) {
        if (failure instanceof ModelFailureException known) {
            return known.failure();
        }
        if (failure instanceof RateLimitException) {
            return new ModelFailure(Kind.RATE_LIMITED, "The model provider is rate limiting this service.", null);
        }
        if (failure instanceof TimeoutException || hasCause(failure, HttpTimeoutException.class)) {
            return timeout();
        }
        if (failure instanceof InternalServerException) {
            return new ModelFailure(Kind.UPSTREAM_ERROR, "The model provider answered with a server error ("
                    + statusOf(failure) + ").", null);
        }
        if (failure instanceof AuthenticationException) {
            return misconfigured("the model provider rejected the service's credentials (" + statusOf(failure) + ")");
        }
        if (failure instanceof ModelNotFoundException) {
            return misconfigured("the model provider does not know the configured model or endpoint");
        }
        if (failure instanceof InvalidRequestException) {
            String body = failure.getMessage() == null ? "" : failure.getMessage();
            if (body.contains("API_KEY_INVALID") || body.contains("API key not valid")) {
                return misconfigured("the model provider rejected the service's API key");
            }
            return new ModelFailure(Kind.REJECTED, "The model rejected the request: " + providerMessage(body), null);
        }
        if (failure instanceof UnresolvedModelServerException || hasCause(failure, UnresolvedAddressException.class)
                || hasCause(failure, IOException.class)) {
            return new ModelFailure(Kind.UNREACHABLE, "The model provider could not be reached.", null);
        }
        return new ModelFailure(Kind.UNEXPECTED, "The model call failed unexpectedly.", null);
    }

    static ModelFailure timeout() {
        return new ModelFailure(Kind.TIMEOUT, "The model did not answer in time. Long generations belong on the "
                + "asynchronous API: POST /v1/jobs with the same body, then poll the job.", null);
    }

    private static ModelFailure misconfigured(String why) {
        return new ModelFailure(Kind.MISCONFIGURED,
                "The service cannot use its model right now: " + why + ". This needs its operator.", null);
    }

    /** Google's {@code error.message} from an error body, or a bounded excerpt of the body. */
    static String providerMessage(String body) {
        try {
            JsonNode message = Json.MAPPER.readTree(body).path("error").path("message");
            if (message.isTextual()) {
                return message.asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through to the excerpt
        }
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    private static String statusOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpException http) {
                return "HTTP " + http.statusCode();
            }
        }
        return "no HTTP status";
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
