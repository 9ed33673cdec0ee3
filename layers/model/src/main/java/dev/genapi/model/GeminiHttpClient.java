package dev.genapi.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.observe.Subsegment;
import dev.genapi.core.observe.Tracer;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * LangChain4j's HTTP client for Gemini, on the JDK's java.net.http. It exists to see what LangChain4j does
 * not: response headers, the whole-response deadline, and the body before it is parsed. It turns into
 * non-retried {@link ModelFailureException}s the cases LangChain4j would otherwise mishandle:
 * <ul>
 *   <li>429: LangChain4j drops the headers and retries after ~0.5 s; we keep the provider's delay.</li>
 *   <li>time-outs: a whole-response deadline (LangChain4j's only covers the headers), never re-sent.</li>
 *   <li>a 200 with an unknown {@code finishReason}: LangChain4j fails to parse it and re-sends a billed
 *       generation up to 3 times.</li>
 *   <li>a 200 whose prompt was blocked (no candidates) or with no usage: LangChain4j throws NPEs.</li>
 * </ul>
 * Other non-2xx answers become {@link HttpException}s, which LangChain4j maps and retries as usual.
 */
public final class GeminiHttpClient implements HttpClient {

    private static final Pattern RETRY_DELAY = Pattern.compile("\"retryDelay\"\\s*:\\s*\"(\\d+(?:\\.\\d+)?)s\"");
    /** What LangChain4j 1.19 can parse: read from its own enum so an upgrade cannot leave this list stale. */
    static final Set<String> KNOWN_FINISH_REASONS = knownFinishReasons();

    private final java.net.http.HttpClient http;
    private final Duration deadline;
    private final Tracer tracer;

    GeminiHttpClient(Duration connectTimeout, Duration deadline, Tracer tracer) {
        this.http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        this.deadline = deadline;
        this.tracer = tracer;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        Subsegment subsegment = tracer.start("Gemini", "remote")
                .httpRequest(request.method().name(), request.url().replaceFirst("\\?.*", ""));
        try {
            HttpResponse<String> response = send(request);
            subsegment.httpStatus(response.statusCode());
            return accept(response);
        } catch (RuntimeException e) {
            subsegment.failed(e);
            throw e;
        } finally {
            subsegment.end();
        }
    }

    private static SuccessfulHttpResponse accept(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 429) {
            throw new ModelFailureException(new ModelFailure(ModelFailure.Kind.RATE_LIMITED,
                    "The model provider is rate limiting this service: " + ModelFailure.providerMessage(response.body()),
                    retryAfterSeconds(response)));
        }
        if (status < 200 || status > 299) {
            throw new HttpException(status, response.body());
        }
        requireReadable(response.body());
        return SuccessfulHttpResponse.builder()
                .statusCode(status)
                .headers(response.headers().map())
                .body(response.body())
                .build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("genapi does not stream");
    }

    private HttpResponse<String> send(HttpRequest request) {
        var builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
        String body = request.body() == null ? "" : request.body();
        builder.method(request.method().name(), java.net.http.HttpRequest.BodyPublishers.ofString(body));
        CompletableFuture<HttpResponse<String>> call =
                http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofString());
        try {
            return call.get(CallDeadline.limit(deadline).toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            call.cancel(true);
            throw new ModelFailureException(ModelFailure.timeout());
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new ModelFailureException(ModelFailure.timeout());
        } catch (CancellationException e) {
            throw new ModelFailureException(ModelFailure.timeout());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw new ModelFailureException(ModelFailure.timeout());
            }
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }
    }

    /** Rejects, without a retry, a 200 that LangChain4j would crash on or re-send. */
    static void requireReadable(String body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw badResponse("the body is not JSON");
        }
        JsonNode candidates = root.path("candidates");
        if (!candidates.isArray() || candidates.isEmpty()) {
            JsonNode blockReason = root.path("promptFeedback").path("blockReason");
            if (blockReason.isTextual()) {
                throw new ModelFailureException(new ModelFailure(ModelFailure.Kind.BLOCKED,
                        "The model's safety filters blocked the prompt (" + blockReason.asText() + ").", null));
            }
            throw badResponse("it has no candidates");
        }
        JsonNode finishReason = candidates.get(0).path("finishReason");
        if (!finishReason.isTextual()) {
            throw badResponse("it has no finishReason");
        }
        if (!KNOWN_FINISH_REASONS.contains(finishReason.asText())) {
            throw badResponse("its finishReason '" + finishReason.asText() + "' is not one this service knows");
        }
        if (!root.path("usageMetadata").isObject()) {
            throw badResponse("it has no usageMetadata");
        }
    }

    private static ModelFailureException badResponse(String why) {
        return new ModelFailureException(new ModelFailure(ModelFailure.Kind.BAD_RESPONSE,
                "The model answered, but " + why + "; the request was not re-sent.", null));
    }

    /** Retry-After (seconds or HTTP date), else Google's RetryInfo.retryDelay in the body, rounded up. */
    static Integer retryAfterSeconds(HttpResponse<String> response) {
        var header = response.headers().firstValue("Retry-After");
        if (header.isPresent()) {
            String value = header.get().trim();
            try {
                return Math.max(1, Integer.parseInt(value));
            } catch (NumberFormatException notSeconds) {
                try {
                    long seconds = Duration.between(ZonedDateTime.now(),
                            ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)).toSeconds();
                    return (int) Math.max(1, seconds);
                } catch (DateTimeParseException notDate) {
                    // fall through to the body
                }
            }
        }
        Matcher delay = RETRY_DELAY.matcher(response.body() == null ? "" : response.body());
        if (delay.find()) {
            return (int) Math.max(1, Math.ceil(Double.parseDouble(delay.group(1))));
        }
        return null;
    }

    private static Set<String> knownFinishReasons() {
        String name = "dev.langchain4j.model.googleai.GeminiGenerateContentResponse$GeminiCandidate$GeminiFinishReason";
        try {
            return Arrays.stream(Class.forName(name).getEnumConstants())
                    .map(constant -> ((Enum<?>) constant).name())
                    .collect(Collectors.toUnmodifiableSet());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("LangChain4j's Gemini finish reasons moved (" + name + "): "
                    + "check GeminiHttpClient against the new version", e);
        }
    }

    /** What {@code GoogleAiGeminiChatModel.builder().httpClientBuilder(...)} takes. */
    public static final class Builder extends TimeoutsBuilder {
        private final Tracer tracer;

        public Builder(Tracer tracer) {
            this.tracer = tracer;
        }

        /** The model's {@code timeout} (LangChain4j's read time-out) becomes the whole response's deadline. */
        @Override
        public HttpClient build() {
            Duration deadline = readTimeout() == null ? Duration.ofSeconds(60) : readTimeout();
            return new GeminiHttpClient(connectTimeout() == null ? deadline : connectTimeout(), deadline, tracer);
        }
    }
}
