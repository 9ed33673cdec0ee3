package dev.genapi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.local.Handlers;
import dev.genapi.local.sqs.SqsEventSource;
import dev.genapi.local.sqs.SqsFunction;
import dev.genapi.local.template.FunctionSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The asynchronous path on one backend, wired as template.yaml declares it: GenerateFunction (submit),
 * StatusFunction (read) and WorkerFunction fed by the SQS event source from the real queue.
 */
public final class AsyncStack implements AutoCloseable {

    private final AwsBackend backend;
    private final ApiFunction generate;
    private final ApiFunction status;
    private final SqsEventSource worker;
    private SqsEventSource webhooks;

    /**
     * @param workerOverrides replace the template's worker settings (e.g. a short lease or no backoff)
     */
    public AsyncStack(AwsBackend backend, FakeGemini gemini, Map<String, String> workerOverrides) {
        this(backend, gemini, Map.of(), workerOverrides);
    }

    /**
     * @param overrides       add to every function's environment (e.g. what Lambda sets when it traces)
     * @param workerOverrides replace the template's worker settings (e.g. a short lease or no backoff)
     */
    public AsyncStack(AwsBackend backend, FakeGemini gemini, Map<String, String> overrides,
                      Map<String, String> workerOverrides) {
        this.backend = backend;
        this.generate = new ApiFunction(Handlers.api(backend.template().function("GenerateFunction"),
                environment(backend, "GenerateFunction", gemini, overrides)));
        this.status = new ApiFunction(Handlers.api(backend.template().function("StatusFunction"),
                environment(backend, "StatusFunction", gemini, overrides)));
        FunctionSpec workerFunction = backend.template().function("WorkerFunction");
        Map<String, String> workerEnv = environment(backend, "WorkerFunction", gemini, overrides);
        workerEnv.putAll(workerOverrides);
        FunctionSpec.SqsTrigger trigger = workerFunction.sqsTriggers().get(0);
        this.worker = new SqsEventSource(backend.sqs(), backend.queueUrl(trigger.queueLogicalId()),
                backend.template().queueArn(trigger.queueLogicalId()), workerFunction, trigger,
                () -> Handlers.sqs(workerFunction, workerEnv));
    }

    /**
     * Also runs the WebhookFunction, as {@code handler}, fed by the SQS event source from the webhook queue.
     *
     * @param handler built by the caller (a test may give it a resolver of its own)
     */
    public AsyncStack withWebhooks(RequestStreamHandler handler) {
        FunctionSpec function = backend.template().function("WebhookFunction");
        FunctionSpec.SqsTrigger trigger = function.sqsTriggers().get(0);
        this.webhooks = new SqsEventSource(backend.sqs(), backend.queueUrl(trigger.queueLogicalId()),
                backend.template().queueArn(trigger.queueLogicalId()), function, trigger, () -> new SqsFunction(handler));
        return this;
    }

    private static Map<String, String> environment(AwsBackend backend, String function, FakeGemini gemini,
                                                   Map<String, String> overrides) {
        Map<String, String> environment = new HashMap<>(backend.environment(function, gemini));
        environment.putAll(overrides);
        return environment;
    }

    public APIGatewayProxyResponseEvent post(String path, String body, String apiKey, String... headers) {
        return generate.handleRequest(ApiEvents.post(path, body, apiKey, headers), null);
    }

    public APIGatewayProxyResponseEvent get(String resource, String id, String apiKey, Map<String, String> query) {
        String path = resource.replace("{id}", id);
        ApiEvent event = ApiEvents.request("GET", path, null, apiKey, new LinkedHashMap<>())
                .withResource(resource)
                .withPathParameters(Map.of("id", id))
                .withQueryStringParameters(query.isEmpty() ? null : query);
        return status.handleRequest(event, null);
    }

    public APIGatewayProxyResponseEvent job(String id, String apiKey) {
        return get("/v1/jobs/{id}", id, apiKey, Map.of());
    }

    /**
     * Polls the job until {@code done} holds, as a client following Retry-After would (faster). A job a
     * producer queued is 404 until the worker has created it.
     */
    public JsonNode awaitJob(String id, String apiKey, Predicate<JsonNode> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            APIGatewayProxyResponseEvent response = job(id, apiKey);
            assertThat(response.getStatusCode()).as(response.getBody()).isIn(200, 404);
            last = ApiEvents.body(response);
            if (response.getStatusCode() == 200 && done.test(last)) {
                return last;
            }
            sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("job " + id + " did not get there in " + timeout + "; last seen: " + last);
    }

    public JsonNode awaitJobStatus(String id, String apiKey, String status, Duration timeout) {
        return awaitJob(id, apiKey, job -> job.path("status").asText().equals(status), timeout);
    }

    public AwsBackend backend() {
        return backend;
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        worker.close();
        if (webhooks != null) {
            webhooks.close();
        }
    }
}
