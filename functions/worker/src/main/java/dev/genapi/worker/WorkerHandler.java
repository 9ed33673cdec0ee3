package dev.genapi.worker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.aws.AwsClients;
import dev.genapi.core.cache.GenerationLeases;
import dev.genapi.core.cache.ResponseCache;
import dev.genapi.core.cache.SingleFlight;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.generation.GenerationConfig;
import dev.genapi.core.generation.TimeBudget;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.jobs.CompletionNotices;
import dev.genapi.core.queue.Disposition;
import dev.genapi.core.queue.RetryBackoff;
import dev.genapi.core.queue.SqsBatches;
import dev.genapi.core.jobs.JobMessage;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Invocation;
import dev.genapi.core.observe.Metric;
import dev.genapi.core.observe.Telemetry;
import dev.genapi.core.observe.Tracer;
import dev.genapi.core.random.Entropy;
import dev.genapi.core.snapstart.Priming;
import dev.genapi.core.snapstart.SnapStartHooks;
import dev.genapi.core.usage.Budgets;
import dev.genapi.core.usage.Pricing;
import dev.genapi.model.ChatModels;
import dev.genapi.model.ApiKeys;
import dev.genapi.model.GenerationService;
import dev.genapi.model.FallbackChain;
import dev.genapi.model.Generator;
import dev.genapi.model.ModelChains;
import dev.genapi.model.ModelConfig;
import dev.genapi.core.aws.SsmParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * WorkerFunction: runs the jobs of an SQS batch in parallel (bounded), and reports the records to deliver
 * again as batch item failures ({@link SqsBatches}).
 */
public final class WorkerHandler implements RequestStreamHandler {

    /** Time kept back from the function's deadline, once a job's generation is over, to record it and answer SQS. */
    static final Duration GENERATION_MARGIN = Duration.ofSeconds(30);

    private final JobProcessor processor;
    private final TimeBudget generationTime;
    private final ExecutorService pool;
    private final SnapStartHooks snapStart;

    /** Lambda's entry point: the real dependencies, built once per container from the environment. */
    public WorkerHandler() {
        this(Env.system());
    }

    /** The composition root; the local stack calls it with the environment template.yaml declares. */
    public WorkerHandler(Env env) {
        this(env, Clock.systemUTC());
    }

    /** For tests: the same wiring on a clock they control. */
    WorkerHandler(Env env, Clock clock) {
        Log.configure(env);
        WorkerConfig config = WorkerConfig.from(env);
        GenerationConfig generation = GenerationConfig.from(env);
        DynamoDbClient dynamo = AwsClients.dynamoDb(env);
        ModelChains chains = ModelChains.from(env, generation.allowedModels());
        Pricing pricing = Pricing.from(env, chains.allModels(generation.allowedModels()));
        ModelConfig modelConfig = ModelConfig.from(env);
        ResponseCache cache = new ResponseCache(dynamo, env.require("CACHE_TABLE"), clock);
        Generator generator = new Generator(ChatModels.create(modelConfig, generation.defaultModel(),
                chains.allModels(generation.allowedModels()), ApiKeys.from(env, () -> SsmParameters.from(env)),
                Tracer.from(env), true), pricing, clock); // a job nearly always calls the model: build its clients now
        // Identical jobs of one caller make one model call; the others come back for its answer (never sleeping).
        SingleFlight twins = new SingleFlight(cache, new GenerationLeases(dynamo, env.require("CACHE_TABLE"), clock),
                env.seconds("SINGLE_FLIGHT_LEASE_SECONDS", 845, 1, 900), Duration.ZERO);
        GenerationService service = new GenerationService(FallbackChain.from(env, generator, chains, pricing, clock),
                cache, Budgets.from(env, dynamo, clock), Optional.of(twins));
        JobStore jobs = JobStore.from(env, dynamo, clock);
        GenerationRequestParser parser = new GenerationRequestParser(generation);
        SqsClient sqs = AwsClients.sqs(env);
        this.processor = new JobProcessor(jobs, service, parser, sqs, CompletionNotices.from(env, jobs.table(), sqs), config,
                new RetryBackoff(config.retryBaseDelay(), config.retryMaxDelay(), Entropy.generator()),
                Telemetry.from(env, clock), clock);
        this.generationTime = TimeBudget.from(env, GENERATION_MARGIN);
        this.pool = Executors.newFixedThreadPool(config.parallelism(), runnable -> {
            Thread thread = new Thread(runnable, "worker");
            thread.setDaemon(true);
            return thread;
        });

        // Priming's parts are built only when Lambda calls the hook: a start without SnapStart never pays for them.
        this.snapStart = SnapStartHooks.register(() -> {
            Generator primingGenerator = new Generator(ChatModels.forPriming(modelConfig, generation.defaultModel()), pricing, clock);
            Telemetry primingTelemetry = Telemetry.discarding(clock);
            // A job's path without its writes: the message, the job and cache reads, the model client, the record.
            String body = "{\"prompt\": \"priming\", \"maxOutputTokens\": 8}";
            try {
                jobs.find(JobMessage.parse("{\"jobId\": \"" + Priming.ABSENT_JOB_ID + "\", \"request\": " + body + "}").jobId());
            } catch (JobMessage.MalformedMessageException e) {
                throw new IllegalStateException(e);
            }
            cache.find(Priming.ABSENT_CACHE_KEY);
            primingGenerator.generate(parser.parse(body));
            primingTelemetry.end(primingTelemetry.begin("job", Invocation.of(null)).count(Metric.DELIVERIES, 1));
        });
    }

    /** SnapStart's hooks for this function (see {@link SnapStartHooks}); tests call them as Lambda would. */
    public SnapStartHooks snapStart() {
        return snapStart;
    }

    /** Lambda's SQS event in, its partial batch response out (see {@link SqsBatches}). */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        SqsBatches.handle(input, output, context, pool,
                (record, invocation) -> processor.process(record, invocation, generationTime.deadline(context))
                        == Disposition.REPORT_FAILURE);
    }
}
