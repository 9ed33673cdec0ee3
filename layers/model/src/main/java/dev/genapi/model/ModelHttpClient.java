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
 * LangChain4j's HTTP client for a model provider (Gemini, or an OpenAI-compatible endpoint), on the JDK's
 * java.net.http. It exists to see what LangChain4j does not: response headers, the whole-response deadline,
 * and the body before it is parsed. It turns into non-retried {@link ModelFailureException}s the cases
 * LangChain4j would otherwise mishandle:
 * <ul>
 *   <li>429: LangChain4j drops the headers and retries after ~0.5 s; we keep the provider's delay.</li>
 *   <li>time-outs: a whole-response deadline (LangChain4j's only covers the headers), never re-sent.</li>
 *   <li>a 200 that LangChain4j would fail to parse, re-send (a billed generation) or crash on: each provider's
 *       {@link AnswerCheck} ({@link GeminiAnswers}, {@link OpenAiAnswers}) refuses it first.</li>
 * </ul>
 * Other non-2xx answers become {@link HttpException}s, which LangChain4j maps and retries as usual.
 */
public final class ModelHttpClient implements HttpClient {

    /** Refuses, with a {@link ModelFailureException}, a 200 answer (JSON) LangChain4j cannot be trusted with. */
    public interface AnswerCheck {
        void requireReadable(JsonNode answer);
    }


    private static final Pattern RETRY_DELAY = Pattern.compile("\"retryDelay\"\\s*:\\s*\"(\\d+(?:\\.\\d+)?)s\"");

    private final String provider;
    private final AnswerCheck check;
    private final java.net.http.HttpClient http;
    private final Duration deadline;
    private final Tracer tracer;

    ModelHttpClient(String provider, AnswerCheck check, Duration connectTimeout, Duration deadline, Tracer tracer) {
        this.provider = provider;
        this.check = check;
        this.http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        this.deadline = deadline;
        this.tracer = tracer;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        Subsegment subsegment = tracer.start(provider, "remote")
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

    private SuccessfulHttpResponse accept(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 429) {
            throw new ModelFailureException(new ModelFailure(ModelFailure.Kind.RATE_LIMITED,
                    "The model provider is rate limiting this service: " + ModelFailure.providerMessage(response.body()),
                    retryAfterSeconds(response)));
        }
        if (status < 200 || status > 299) {
            throw new HttpException(status, response.body());
        }
        check.requireReadable(answerJson(response.body()));
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

    /** A 200's body as JSON, or, when it is not JSON, a bad response that is never re-sent. */
    static JsonNode answerJson(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw ModelFailureException.badResponse("the body is not JSON");
        }
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

    /** What a LangChain4j chat model's {@code httpClientBuilder(...)} takes. */
    public static final class Builder extends TimeoutsBuilder {
        private final String provider;
        private final AnswerCheck check;
        private final Tracer tracer;

        /** @param provider names the calls' trace subsegments */
        public Builder(String provider, AnswerCheck check, Tracer tracer) {
            this.provider = provider;
            this.check = check;
            this.tracer = tracer;
        }

        /** The model's {@code timeout} (LangChain4j's read time-out) becomes the whole response's deadline. */
        @Override
        public HttpClient build() {
            Duration deadline = readTimeout() == null ? Duration.ofSeconds(60) : readTimeout();
            return new ModelHttpClient(provider, check, connectTimeout() == null ? deadline : connectTimeout(), deadline,
                    tracer);
        }
    }
}
