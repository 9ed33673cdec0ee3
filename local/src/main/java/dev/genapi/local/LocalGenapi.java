package dev.genapi.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.genapi.authorizer.JwtAuthorizerHandler;
import dev.genapi.core.config.Env;
import dev.genapi.core.jobs.Ids;
import dev.genapi.core.usage.CallerLimits;
import dev.genapi.local.api.ApiAuth;
import dev.genapi.local.api.GatewayResponses;
import dev.genapi.local.api.LocalApiKeys;
import dev.genapi.local.api.LocalAuthorizer;
import dev.genapi.local.api.LocalGateway;
import dev.genapi.local.api.LocalUsagePlans;
import dev.genapi.local.api.RestApiEmulator;
import dev.genapi.local.aws.LocalSqs;
import dev.genapi.local.aws.MotoServer;
import dev.genapi.local.aws.Queues;
import dev.genapi.local.aws.Tables;
import dev.genapi.local.observe.ObservabilityPage;
import dev.genapi.local.sqs.SqsEventSource;
import dev.genapi.local.template.FunctionSpec;
import dev.genapi.local.template.SamTemplate;
import dev.genapi.local.template.TableSpec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * genapi on localhost without Docker: moto's server (DynamoDB, S3) as a child process and ElasticMQ (SQS) in
 * this JVM, the tables and queues as
 * template.yaml declares them, its REST API routes served on port 3000 by the handler classes it names (as
 * {@code sam local start-api} would), and its SQS event sources polled into their functions as Lambda's
 * event source mappings would.
 */
public final class LocalGenapi implements AutoCloseable {

    /**
     * @param apiKeys the development API keys (local/api-keys.json)
     * @param shell   the developer's environment: GEMINI_API_KEY (and GEMINI_BASE_URL) select Gemini,
     *                OFFLINE_MODEL_LATENCY_MS tunes the offline model
     */
    public record Options(Path template, Path apiKeys, String host, int apiPort, int dynamoDbPort, int sqsPort,
                          Map<String, String> shell) {

        public static final Path DEFAULT_API_KEYS = Path.of("local", "api-keys.json");

        static Options fromEnvironment(Map<String, String> env) {
            return new Options(Path.of(env.getOrDefault("GENAPI_TEMPLATE", "template.yaml")),
                    Path.of(env.getOrDefault("GENAPI_API_KEYS", DEFAULT_API_KEYS.toString())),
                    env.getOrDefault("GENAPI_HOST", "127.0.0.1"),
                    Integer.parseInt(env.getOrDefault("GENAPI_API_PORT", "3000")),
                    Integer.parseInt(env.getOrDefault("GENAPI_DYNAMODB_PORT", "8000")),
                    Integer.parseInt(env.getOrDefault("GENAPI_SQS_PORT", "9324")),
                    env);
        }
    }

    private final SamTemplate template;
    private final MotoServer moto;
    private final LocalSqs sqs;
    private final RestApiEmulator api;
    private final DynamoDbClient dynamoClient;
    private final SqsClient sqsClient;
    private final List<SqsEventSource> eventSources;
    private final Options options;
    private final LocalApiKeys apiKeys;
    private final List<String> routes;
    private final ObservabilityPage page;

    private LocalGenapi(SamTemplate template, MotoServer moto, LocalSqs sqs, RestApiEmulator api,
                        DynamoDbClient dynamoClient, SqsClient sqsClient, List<SqsEventSource> eventSources,
                        Options options, LocalApiKeys apiKeys, List<String> routes, ObservabilityPage page) {
        this.template = template;
        this.moto = moto;
        this.sqs = sqs;
        this.api = api;
        this.dynamoClient = dynamoClient;
        this.sqsClient = sqsClient;
        this.eventSources = eventSources;
        this.options = options;
        this.apiKeys = apiKeys;
        this.routes = routes;
        this.page = page;
    }

    public static LocalGenapi start(Options options) throws Exception {
        if (!Files.isRegularFile(options.template())) {
            throw new IllegalStateException("no template at " + options.template().toAbsolutePath()
                    + ": run from the repository root, or set GENAPI_TEMPLATE");
        }
        SamTemplate template = SamTemplate.load(options.template(), parameterOverrides(options.shell()));
        LocalApiKeys apiKeys = LocalApiKeys.load(options.apiKeys());
        MotoServer moto = MotoServer.start(options.dynamoDbPort());
        LocalSqs sqs = null;
        RestApiEmulator api = null;
        DynamoDbClient dynamoClient = null;
        SqsClient sqsClient = null;
        ObservabilityPage page = null;
        List<SqsEventSource> eventSources = new ArrayList<>();
        try {
            sqs = LocalSqs.start(options.sqsPort());
            dynamoClient = configure(DynamoDbClient.builder(), moto.endpoint()).build();
            sqsClient = configure(SqsClient.builder(), sqs.endpoint()).build();
            Tables.create(dynamoClient, template.tables());
            Queues.create(sqsClient, template);
            api = new RestApiEmulator(options.host(), options.apiPort());
            page = ObservabilityPage.serve(api, sqsClient, template, Clock.systemUTC());

            ApiAuth auth = ApiAuth.of(template);
            Map<String, String> overrides = localIssuerOverrides(template, api, options);
            List<RestApiEmulator.Route> routes = new ArrayList<>();
            List<String> described = new ArrayList<>();
            RequestStreamHandler authorizer = null;
            for (FunctionSpec function : template.functions()) {
                Map<String, String> env = new LinkedHashMap<>(LocalEnvironment.of(function, moto.endpoint(),
                        sqs.endpoint(), options.shell()));
                if (auth.lambdaAuthorizer().filter(function.logicalId()::equals).isPresent()) {
                    env.putAll(overrides);
                    authorizer = Handlers.api(function, env);
                    described.add(String.format("JWT  %-22s -> %s", "every route", function.logicalId()));
                }
                if (!function.apiRoutes().isEmpty()) {
                    RequestStreamHandler handler = Handlers.api(function, env);
                    for (FunctionSpec.ApiRoute route : function.apiRoutes()) {
                        routes.add(new RestApiEmulator.Route(route.path(), route.method(), function.logicalId(),
                                function.timeoutSeconds(), handler));
                        described.add(String.format("%-4s %-22s -> %s", route.method(), route.path(), function.logicalId()));
                    }
                }
                if (!function.sqsTriggers().isEmpty()) {
                    for (FunctionSpec.SqsTrigger trigger : function.sqsTriggers()) {
                        eventSources.add(new SqsEventSource(sqsClient, String.valueOf(template.resolve(
                                Map.of("Ref", trigger.queueLogicalId()))), template.queueArn(trigger.queueLogicalId()),
                                function, trigger, () -> Handlers.sqs(function, env)));
                        described.add(String.format("SQS  %-22s -> %s", trigger.queueLogicalId(), function.logicalId()));
                    }
                }
            }
            if (auth.cognitoAuthorizer()) {
                // Cognito itself cannot run locally: the same token checks, claims presented as Cognito does.
                authorizer = new JwtAuthorizerHandler(new Env(Map.of("JWT_ISSUER", template.parameter("JwtIssuer"),
                        "JWT_AUDIENCE", template.parameter("JwtAudience"))));
                described.add(String.format("JWT  %-22s -> %s", "every route", "Cognito user pool (emulated)"));
            }
            GatewayResponses responses = new GatewayResponses(template);
            Optional<LocalAuthorizer> tokens = Optional.ofNullable(authorizer).map(handler -> new LocalAuthorizer(
                    handler, auth.authorizerTtlSeconds(), auth.cognitoAuthorizer(), Clock.systemUTC()));
            api.serve(routes, new LocalGateway(apiKeys, LocalUsagePlans.from(template, Clock.systemUTC()), tokens,
                    responses, auth.cors()));
            recordKeyTiers(template, dynamoClient, apiKeys);
            return new LocalGenapi(template, moto, sqs, api, dynamoClient, sqsClient, eventSources, options,
                    apiKeys, described, page);
        } catch (Exception | Error e) {
            eventSources.forEach(SqsEventSource::close);
            if (page != null) {
                page.close();
            }
            if (api != null) {
                api.close();
            }
            if (sqsClient != null) {
                sqsClient.close();
            }
            if (dynamoClient != null) {
                dynamoClient.close();
            }
            if (sqs != null) {
                sqs.close();
            }
            moto.close();
            throw e;
        }
    }

    /** {@code GENAPI_PARAMETER_OVERRIDES='Name=value Name=value'}, as {@code sam --parameter-overrides} takes them. */
    static Map<String, String> parameterOverrides(Map<String, String> shell) {
        Map<String, String> overrides = new LinkedHashMap<>();
        String raw = shell.getOrDefault("GENAPI_PARAMETER_OVERRIDES", "").trim();
        for (String pair : raw.isEmpty() ? new String[0] : raw.split("\\s+")) {
            String[] nameValue = pair.split("=", 2);
            if (nameValue.length != 2) {
                throw new IllegalStateException("GENAPI_PARAMETER_OVERRIDES takes Name=value pairs; '" + pair + "' is not one");
            }
            overrides.put(nameValue[0], nameValue[1]);
        }
        return overrides;
    }

    /**
     * With the local test issuer as JwtIssuer, the authorizer fetches its keys from this stack, which serves
     * the issuer's public keys at {@link LocalIssuer#JWKS_PATH}.
     */
    private static Map<String, String> localIssuerOverrides(SamTemplate template, RestApiEmulator api, Options options) {
        Path file = options.template().toAbsolutePath().getParent().resolve(LocalIssuer.FILE);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        LocalIssuer issuer = LocalIssuer.load(file);
        if (!issuer.issuer().equals(template.parameter("JwtIssuer"))) {
            return Map.of();
        }
        api.addLocalPage(LocalIssuer.JWKS_PATH, new RestApiEmulator.LocalPage("application/json", issuer::jwks));
        return Map.of("JWKS_URL", "http://127.0.0.1:" + api.port() + LocalIssuer.JWKS_PATH);
    }

    /** Each development key's tier goes into the usage table, as scripts/issue-api-key records a deployed key's. */
    private static void recordKeyTiers(SamTemplate template, DynamoDbClient dynamo, LocalApiKeys apiKeys) {
        if (template.resourcesOfType("AWS::DynamoDB::Table").containsKey("UsageTable")) {
            apiKeys.all().forEach(key -> CallerLimits.recordApiKeyTier(dynamo, template.physicalName("UsageTable"),
                    key.id(), key.tier()));
        }
    }

    /** The stack's template, with the local queues' URLs. */
    public SamTemplate template() {
        return template;
    }

    public LocalApiKeys apiKeys() {
        return apiKeys;
    }

    public SqsClient sqsClient() {
        return sqsClient;
    }

    public URI apiUrl() {
        String host = options.host().equals("127.0.0.1") || options.host().equals("0.0.0.0") ? "localhost" : options.host();
        return URI.create("http://" + host + ":" + api.port());
    }

    /** The local page of recent requests and jobs, and charts of their metrics. */
    public URI pageUrl() {
        return apiUrl().resolve(ObservabilityPage.PATH);
    }

    public URI dynamoDbEndpoint() {
        return moto.endpoint();
    }

    /** The same moto server as DynamoDB's: S3 answers there too (path-style). */
    public URI s3Endpoint() {
        return moto.endpoint();
    }

    public URI sqsEndpoint() {
        return sqs.endpoint();
    }

    public String banner() {
        StringBuilder text = new StringBuilder();
        text.append("\ngenapi local stack is running (from ").append(options.template()).append(")\n\n");
        text.append("  API       ").append(apiUrl()).append('\n');
        routes.forEach(route -> text.append("              ").append(route).append('\n'));
        text.append("  Page      ").append(pageUrl())
                .append("  recent requests and jobs, charts of their metrics (local only)\n");
        text.append("  Records   one JSON line per request and job attempt, printed on this console\n");
        text.append("  DynamoDB  ").append(moto.endpoint()).append("  tables: ")
                .append(String.join(", ", template.tables().stream().map(TableSpec::name).toList())).append('\n');
        text.append("  S3        ").append(s3Endpoint()).append("  (path-style; the same moto server)\n");
        text.append("  SQS       ").append(sqs.endpoint()).append('\n');
        List<String> queues = template.queuesInCreationOrder();
        int width = queues.stream().mapToInt(String::length).max().orElse(0);
        for (String queue : queues) {
            text.append(String.format("              %-" + width + "s  %s%n", queue, template.resolve(Map.of("Ref", queue))));
        }
        if (LocalEnvironment.usesGemini(options.shell())) {
            text.append("  Model     Google Gemini at ")
                    .append(options.shell().getOrDefault("GEMINI_BASE_URL", "Google's endpoint")).append('\n');
        } else {
            text.append("  Model     OFFLINE: no GEMINI_API_KEY, so answers are canned (model \"offline/...\").\n")
                    .append("            Set GEMINI_API_KEY to use Gemini.\n");
        }
        text.append("\nAPI keys (local/api-keys.json; every request needs one in x-api-key, as when deployed):\n");
        apiKeys.all().forEach(key -> text.append(String.format("  %-10s %s   (id %s)%n", key.tier(), key.value(), key.id())));
        String key = apiKeys.all().get(0).value();
        text.append("\nTry it (the second call is a cache HIT):\n\n");
        text.append("  curl -i ").append(apiUrl()).append("/v1/generate \\\n")
                .append("    -H 'x-api-key: ").append(key).append("' \\\n")
                .append("    -H 'Content-Type: application/json' \\\n")
                .append("    -d '{\"prompt\": \"Write a haiku about caching\"}'\n\n");
        text.append("Asynchronously: POST the same body to ").append(apiUrl()).append("/v1/jobs, then GET the Location.\n\n");
        String jobsQueue = template.resourcesOfType("AWS::SQS::Queue").containsKey("JobsQueue")
                ? String.valueOf(template.resolve(Map.of("Ref", "JobsQueue"))) : null;
        if (jobsQueue != null) {
            String jobId = Ids.newJobId();
            text.append("Or queue a job as any producer would (here with the AWS CLI), then read it:\n\n")
                    .append("  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \\\n")
                    .append("  aws --region us-east-1 --endpoint-url ").append(sqs.endpoint()).append(" sqs send-message \\\n")
                    .append("    --queue-url ").append(jobsQueue).append(" \\\n")
                    .append("    --message-body '{\"jobId\": \"").append(jobId)
                    .append("\", \"request\": {\"prompt\": \"Hello from a producer\"}}'\n")
                    .append("  curl -H 'x-api-key: ").append(key).append("' ").append(apiUrl()).append("/v1/jobs/")
                    .append(jobId).append("\n\n")
                    .append("Dead-lettered jobs go back to the queue with: ./local/redrive\n\n");
        }
        text.append("Press Ctrl-C to stop.\n");
        return text.toString();
    }

    @Override
    public void close() {
        eventSources.forEach(SqsEventSource::close);
        page.close();
        api.close();
        sqsClient.close();
        dynamoClient.close();
        sqs.close();
        moto.close();
    }

    /** An SDK client builder for an in-process emulator. */
    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, URI endpoint) {
        builder.endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        builder.httpClient(UrlConnectionHttpClient.create());
        return builder;
    }

    public static void main(String[] args) throws Exception {
        // The emulators log at INFO through SLF4J; the banner is what a developer needs to see.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        LocalGenapi stack;
        try {
            stack = start(Options.fromEnvironment(System.getenv()));
        } catch (IllegalStateException e) {
            System.err.println("genapi local stack did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-shutdown"));
        System.out.println(stack.banner());
        Thread.currentThread().join();
    }
}
