package dev.genapi.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.genapi.core.aws.AwsClients;
import dev.genapi.core.aws.SsmParameters;
import dev.genapi.core.config.Env;
import dev.genapi.core.jobs.JobJson;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Telemetry;
import dev.genapi.core.queue.Disposition;
import dev.genapi.core.queue.SqsBatches;
import dev.genapi.core.snapstart.Priming;
import dev.genapi.core.snapstart.SnapStartHooks;
import dev.genapi.core.webhooks.WebhookNotice;
import dev.genapi.core.webhooks.WebhookSecrets;
import dev.genapi.core.webhooks.WebhookSignature;
import dev.genapi.core.webhooks.WebhookTargets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLSocketFactory;

/**
 * WebhookFunction: delivers the callbacks of finished jobs and batches from the webhook queue, the records
 * of a batch in parallel, reporting those SQS must deliver again as batch item failures. It reads the jobs
 * table and writes only the callbacks' delivery state; it loads no model code.
 */
public final class WebhookHandler implements RequestStreamHandler {

    /** Records delivered at once: the event source mapping's batch size. */
    static final int PARALLELISM = 10;

    private final WebhookDeliveries deliveries;
    private final ExecutorService pool;
    private final SnapStartHooks snapStart;

    /** Lambda's entry point: the real dependencies, built once per container from the environment. */
    public WebhookHandler() {
        this(Env.system());
    }

    /** The composition root; the local stack calls it with the environment template.yaml declares. */
    public WebhookHandler(Env env) {
        this(env, InetAddress::getAllByName, Clock.systemUTC());
    }

    /** For tests: the same wiring with a resolver (to play a host name's DNS answer) and a clock they control. */
    WebhookHandler(Env env, WebhookPoster.Resolver resolver, Clock clock) {
        Log.configure(env);
        WebhookConfig config = WebhookConfig.from(env);
        JobStore jobs = JobStore.from(env, AwsClients.dynamoDb(env), clock);
        WebhookSecrets secrets = WebhookSecrets.from(env, () -> SsmParameters.from(env));
        WebhookPoster poster = new WebhookPoster(WebhookTargets.from(env), resolver,
                (SSLSocketFactory) SSLSocketFactory.getDefault(), config.connectTimeout(), config.deadline());
        this.deliveries = new WebhookDeliveries(jobs, secrets, poster, AwsClients.sqs(env), config,
                Telemetry.from(env, clock), clock);
        this.pool = Executors.newFixedThreadPool(PARALLELISM, runnable -> {
            Thread thread = new Thread(runnable, "webhook");
            thread.setDaemon(true);
            return thread;
        });

        // A delivery's path without its writes or its POST: the notice, the job read, the document and its signature.
        this.snapStart = SnapStartHooks.register(() -> {
            WebhookNotice notice = WebhookNotice.parse(new WebhookNotice(WebhookNotice.Kind.JOB, Priming.ABSENT_JOB_ID, 1)
                    .toJson()).orElseThrow();
            jobs.find(notice.id()).map(JobJson::of);
            WebhookSignature.sign(secrets.forScope(Optional.of(Priming.CALLER)), clock.instant().getEpochSecond(),
                    "{}".getBytes(StandardCharsets.UTF_8));
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
                (record, invocation) -> deliveries.process(record, invocation) == Disposition.REPORT_FAILURE);
    }
}
