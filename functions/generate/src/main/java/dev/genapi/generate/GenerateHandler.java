package dev.genapi.generate;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.genapi.core.aws.AwsClients;
import dev.genapi.core.cache.GenerationLeases;
import dev.genapi.core.cache.ResponseCache;
import dev.genapi.core.cache.SingleFlight;
import dev.genapi.core.config.Env;
import dev.genapi.core.generation.GenerationConfig;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.generation.Deadline;
import dev.genapi.core.generation.TimeBudget;
import dev.genapi.core.http.ApiEndpoint;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.CallerIdentity;
import dev.genapi.core.http.Cors;
import dev.genapi.core.jobs.CompletionNotices;
import dev.genapi.core.jobs.JobQueue;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Telemetry;
import dev.genapi.core.observe.Tracer;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.core.snapstart.Priming;
import dev.genapi.core.snapstart.SnapStartHooks;
import dev.genapi.core.usage.Budgets;
import dev.genapi.core.usage.Pricing;
import dev.genapi.core.webhooks.WebhookTargets;
import dev.genapi.model.ChatModels;
import dev.genapi.model.ApiKeys;
import dev.genapi.model.GenerationService;
import dev.genapi.model.FallbackChain;
import dev.genapi.model.Generator;
import dev.genapi.model.ModelChains;
import dev.genapi.model.ModelConfig;
import dev.genapi.core.aws.SsmParameters;
import dev.langchain4j.model.chat.ChatModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * GenerateFunction: every route that creates generations. POST /v1/generate answers synchronously;
 * POST /v1/jobs and POST /v1/batches queue them for the WorkerFunction.
 */
public final class GenerateHandler implements RequestStreamHandler {

    private final GenerateEndpoint generate;
    private final SubmitJobEndpoint submitJob;
    private final SubmitBatchEndpoint submitBatch;
    private final ApiEndpoint endpoint;
    private final TimeBudget generationTime;
    private final SnapStartHooks snapStart;

    /** Lambda's entry point: the real dependencies, built once per container from the environment. */
    public GenerateHandler() {
        this(Env.system());
    }

    /** The composition root; the local stack calls it with the environment template.yaml declares. */
    public GenerateHandler(Env env) {
        this(env, Clock.systemUTC());
    }

    /** For tests: the same wiring on a clock they control. */
    GenerateHandler(Env env, Clock clock) {
        Log.configure(env);
        GenerationConfig config = GenerationConfig.from(env);
        ModelConfig modelConfig = ModelConfig.from(env);
        ModelChains chains = ModelChains.from(env, config.allowedModels());
        // Without a snapshot, the model clients wait for the first miss: a start that serves hits never builds them.
        ChatModel model = ChatModels.create(modelConfig, config.defaultModel(), chains.allModels(config.allowedModels()),
                ApiKeys.from(env, () -> SsmParameters.from(env)), Tracer.from(env),
                SnapStartHooks.initialisingForSnapshot(env));
        DynamoDbClient dynamo = AwsClients.dynamoDb(env);
        Pricing pricing = Pricing.from(env, chains.allModels(config.allowedModels()));
        Budgets budgets = Budgets.from(env, dynamo, clock);
        ResponseCache cache = new ResponseCache(dynamo, env.require("CACHE_TABLE"), clock);
        // Concurrent identical misses wait for one generation: for at most 12 s, leaving time to make their own.
        SingleFlight singleFlight = new SingleFlight(cache, new GenerationLeases(dynamo, env.require("CACHE_TABLE"), clock),
                env.seconds("SINGLE_FLIGHT_LEASE_SECONDS", 26, 1, 900), env.seconds("SINGLE_FLIGHT_WAIT_SECONDS", 12, 0, 900));
        GenerationService service = new GenerationService(
                FallbackChain.from(env, new Generator(model, pricing, clock), chains, pricing, clock), cache, budgets,
                Optional.of(singleFlight));
        JobStore jobs = JobStore.from(env, dynamo, clock);
        SqsClient sqs = AwsClients.sqs(env);
        JobQueue queue = new JobQueue(sqs, env.require("JOBS_QUEUE_URL"));
        WebhookTargets targets = WebhookTargets.from(env);
        CompletionNotices notices = CompletionNotices.from(env, jobs.table(), sqs);
        GenerationRequestParser parser = new GenerationRequestParser(config);
        CallerIdentity callers = CallerIdentity.from(env);
        this.endpoint = new ApiEndpoint(Cors.from(env), Telemetry.from(env, clock));
        this.generationTime = TimeBudget.from(env, GENERATION_MARGIN);

        this.generate = new GenerateEndpoint(parser, service, callers, config.maxBodyBytes(), clock);
        this.submitJob = new SubmitJobEndpoint(parser, service, budgets, jobs, queue, callers, targets, notices,
                config.maxBodyBytes());
        this.submitBatch = new SubmitBatchEndpoint(parser, budgets, jobs, queue, callers, targets, notices,
                env.intValue("BATCH_MAX_REQUESTS", 1_000, 1, 10_000),
                env.intValue("BATCH_MAX_BODY_BYTES", 5 * 1_048_576, 1_024, 6 * 1_048_576));

        // Priming's parts are built only when Lambda calls the hook: a start without SnapStart never pays for them.
        this.snapStart = SnapStartHooks.register(() -> {
            ApiEndpoint primingEndpoint = new ApiEndpoint(Cors.from(env), Telemetry.discarding(clock));
            Generator primingGenerator = new Generator(ChatModels.forPriming(modelConfig, config.defaultModel()), pricing, clock);
            // Each route's edge, parsing and problem answer: bodies that fail validation before any AWS call.
            for (String resource : new String[] {"/v1/generate", "/v1/jobs", "/v1/batches"}) {
                Priming.serve(primingEndpoint, request -> route(request, null), "POST", resource, Map.of(),
                        "{\"prompt\": \"\"}");
            }
            cache.find(Priming.ABSENT_CACHE_KEY);
            jobs.find(Priming.ABSENT_JOB_ID);
            primingGenerator.generate(parser.parse("{\"prompt\": \"priming\", \"maxOutputTokens\": 8}"));
        });
    }

    /** SnapStart's hooks for this function (see {@link SnapStartHooks}); tests call them as Lambda would. */
    public SnapStartHooks snapStart() {
        return snapStart;
    }

    /**
     * Time kept back from the function's deadline to mark unsent jobs and answer: one SQS call may overrun
     * the queueing deadline by its 5 s call timeout, and marking a whole batch takes a few seconds more.
     */
    static final Duration ANSWER_MARGIN = Duration.ofSeconds(10);

    /** Time kept back from the function's deadline, once a generation is over, to settle, store and answer. */
    static final Duration GENERATION_MARGIN = Duration.ofSeconds(3);

    private static Deadline queueingDeadline(Context context) {
        Duration left = context == null ? Duration.ofSeconds(29) : Duration.ofMillis(context.getRemainingTimeInMillis());
        return Deadline.in(left.minus(ANSWER_MARGIN));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        endpoint.serve(input, output, context, request -> route(request, context));
    }

    private ApiResponse route(ApiRequest request, Context context) {
        return switch (request.resource()) {
            case "/v1/generate" -> generate.handle(request, generationTime.deadline(context));
            case "/v1/jobs" -> submitJob.handle(request);
            case "/v1/batches" -> submitBatch.handle(request, queueingDeadline(context));
            default -> throw Problem.of(ProblemType.NOT_FOUND, "No such route: " + request.resource()).toException();
        };
    }
}
