package dev.genapi.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.genapi.core.aws.AwsClients;
import dev.genapi.core.aws.SsmParameters;
import dev.genapi.core.config.Env;
import dev.genapi.core.http.ApiEndpoint;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.CallerIdentity;
import dev.genapi.core.http.Cors;
import dev.genapi.core.jobs.Batches;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Telemetry;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.core.snapstart.Priming;
import dev.genapi.core.snapstart.SnapStartHooks;
import dev.genapi.core.usage.Budgets;
import dev.genapi.core.webhooks.WebhookSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * StatusFunction: GET /v1/jobs/{id}, GET /v1/batches/{id}, GET /v1/usage and GET /v1/webhooks/secret. Read-only on the jobs and usage
 * tables, and it loads no model code.
 */
public final class StatusHandler implements RequestStreamHandler {

    private final JobStatusEndpoint job;
    private final BatchStatusEndpoint batch;
    private final UsageEndpoint usage;
    private final WebhookSecretEndpoint webhookSecret;
    private final ApiEndpoint endpoint;
    private final SnapStartHooks snapStart;

    /** Lambda's entry point: the real dependencies, built once per container from the environment. */
    public StatusHandler() {
        this(Env.system());
    }

    /** The composition root; the local stack calls it with the environment template.yaml declares. */
    public StatusHandler(Env env) {
        this(env, Clock.systemUTC());
    }

    /** For tests: the same wiring on a clock they control. */
    StatusHandler(Env env, Clock clock) {
        Log.configure(env);
        DynamoDbClient dynamo = AwsClients.dynamoDb(env);
        JobStore jobs = JobStore.from(env, dynamo, clock);
        CallerIdentity callers = CallerIdentity.from(env);
        this.endpoint = new ApiEndpoint(Cors.from(env), Telemetry.from(env, clock));
        this.job = new JobStatusEndpoint(jobs, callers);
        this.batch = new BatchStatusEndpoint(new Batches(jobs.table()), callers);
        this.usage = new UsageEndpoint(Budgets.from(env, dynamo, clock), callers);
        this.webhookSecret = new WebhookSecretEndpoint(WebhookSecrets.lazily(env, () -> SsmParameters.from(env)), callers);

        this.snapStart = SnapStartHooks.register(() -> {
            ApiEndpoint primingEndpoint = new ApiEndpoint(Cors.from(env), Telemetry.discarding(clock));
            // Every route, read-only: a job and a batch that do not exist (404), and the priming caller's usage.
            Priming.serve(primingEndpoint, this::route, "GET", "/v1/jobs/{id}", Map.of("id", Priming.ABSENT_JOB_ID), null);
            Priming.serve(primingEndpoint, this::route, "GET", "/v1/batches/{id}",
                    Map.of("id", Priming.ABSENT_BATCH_ID), null);
            Priming.serve(primingEndpoint, this::route, "GET", "/v1/usage", Map.of(), null);
        });
    }

    /** SnapStart's hooks for this function (see {@link SnapStartHooks}); tests call them as Lambda would. */
    public SnapStartHooks snapStart() {
        return snapStart;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        endpoint.serve(input, output, context, this::route);
    }

    private ApiResponse route(ApiRequest request) {
        ApiEndpoint.requireMethod(request, "GET");
        return switch (request.resource()) {
            case "/v1/jobs/{id}" -> job.handle(request);
            case "/v1/batches/{id}" -> batch.handle(request);
            case "/v1/usage" -> usage.handle(request);
            case "/v1/webhooks/secret" -> webhookSecret.handle(request);
            default -> throw Problem.of(ProblemType.NOT_FOUND, "No such route: " + request.resource()).toException();
        };
    }
}
