package dev.genapi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import dev.genapi.generate.GenerateHandler;
import dev.genapi.local.LocalEnvironment;
import dev.genapi.local.aws.LocalSqs;
import dev.genapi.local.aws.MotoServer;
import dev.genapi.local.aws.Queues;
import dev.genapi.local.aws.Tables;
import dev.genapi.local.template.SamTemplate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * genapi's benchmarks (run them with bench/run): cold starts of each function's path against a floor handler
 * in the same run, a warm cache hit against a raw GetItem, and the worker's throughput against the ideal the
 * template allows. Everything runs on the in-process emulators and a local Gemini fake.
 * Arguments: --rounds N, --tree name=classpathFile (one or more; the last is measured warm too),
 * --probe-classpath file, --out file, --command "what produced it", --jobs N, --only warm (no cold starts).
 */
public final class Benchmarks {

    static final Path ROOT = Path.of(System.getProperty("genapi.root", ".")).toAbsolutePath().normalize();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> trees = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--tree")) {
                String[] tree = args[i + 1].split("=", 2);
                trees.put(tree[0], Files.readString(Path.of(tree[1])).trim());
            } else {
                options.put(args[i].substring(2), args[i + 1]);
            }
        }
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "11"));
        int jobs = Integer.parseInt(options.getOrDefault("jobs", "300"));
        String only = options.getOrDefault("only", "all"); // "warm": the warm hit and the throughput alone
        String probe = Files.readString(Path.of(options.get("probe-classpath"))).trim();
        SamTemplate template = SamTemplate.load(ROOT.resolve("template.yaml"));

        try (MotoServer dynamoDb = MotoServer.start(0); LocalSqs sqs = LocalSqs.start(0);
             FakeGemini gemini = new FakeGemini(); KeyReads keyReads = new KeyReads()) {
            DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(dynamoDb.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClient(UrlConnectionHttpClient.create()).build();
            SqsClient sqsClient = SqsClient.builder().endpointOverride(sqs.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClient(UrlConnectionHttpClient.create()).build();
            Tables.create(dynamo, template.tables());
            Queues.create(sqsClient, template);
            Map<String, String> shell = Map.of("GEMINI_API_KEY", "bench", "GEMINI_BASE_URL", gemini.baseUrl());
            Events events = new Events(Files.createTempDirectory("genapi-bench"));

            Report report = new Report(options.get("command"), rounds);
            ColdStarts coldStarts = new ColdStarts();
            List<ColdStarts.Variant> variants = new ArrayList<>();
            String lastTree = null;
            for (Map.Entry<String, String> tree : trees.entrySet()) {
                lastTree = tree.getKey();
                String classpath = tree.getValue() + java.io.File.pathSeparator + probe;
                // As deployed: the model functions read the key from SSM (a local one) at start-up.
                Map<String, String> generate = keyReads.environment(environment(template, "GenerateFunction", dynamoDb, sqs, shell));
                if (variants.isEmpty()) {
                    variants.add(new ColdStarts.Variant("floor", classpath, FloorHandler.class.getName(), generate,
                            events::hit));
                }
                String name = tree.getKey();
                variants.add(new ColdStarts.Variant(name + ": GenerateFunction, cache hit", classpath,
                        template.function("GenerateFunction").handlerClass(), generate, events::hit));
                variants.add(new ColdStarts.Variant(name + ": StatusFunction, GET /v1/jobs/{id}", classpath,
                        template.function("StatusFunction").handlerClass(),
                        environment(template, "StatusFunction", dynamoDb, sqs, shell), events::status));
                variants.add(new ColdStarts.Variant(name + ": GenerateFunction, miss", classpath,
                        template.function("GenerateFunction").handlerClass(), generate, events::miss));
                variants.add(new ColdStarts.Variant(name + ": WorkerFunction, one record", classpath,
                        template.function("WorkerFunction").handlerClass(),
                        keyReads.environment(environment(template, "WorkerFunction", dynamoDb, sqs, shell)), events::workerRecord));
            }
            warmTheCache(template, dynamoDb, sqs, shell, events);
            if (!only.equals("warm")) {
                coldStarts.measure(variants, rounds);
                report.coldStarts(coldStarts, variants);
            }

            report.keyReads(keyReads.measure(trees.get(lastTree) + java.io.File.pathSeparator + probe,
                    environment(template, "GenerateFunction", dynamoDb, sqs, Map.of()), rounds));
            Map<String, String> generate = environment(template, "GenerateFunction", dynamoDb, sqs, shell);
            report.warmHit(WarmHit.measure(new GenerateHandler(new Env(generate)), dynamo,
                    generate.get("CACHE_TABLE"), generate.get("USAGE_TABLE"), events.hitBytes(), rounds <= 1 ? 50 : 2_000));
            report.throughput(Throughput.measure(template, dynamoDb, sqs, sqsClient, dynamo, rounds <= 1 ? 20 : jobs));
            report.artifacts(Artifacts.sizes(ROOT));
            report.write(Path.of(options.getOrDefault("out", "docs/BENCHMARKS.md")), lastTree);
        }
        System.exit(0);
    }

    static Map<String, String> environment(SamTemplate template, String function, MotoServer dynamoDb, LocalSqs sqs,
                                           Map<String, String> shell) {
        return new HashMap<>(LocalEnvironment.of(template.function(function), dynamoDb.endpoint(), sqs.endpoint(), shell));
    }

    /** The hit's entry, stored by the function itself, so that every tree's hit finds it. */
    private static void warmTheCache(SamTemplate template, MotoServer dynamoDb, LocalSqs sqs,
                                     Map<String, String> shell, Events events) throws IOException {
        GenerateHandler handler = new GenerateHandler(new Env(environment(template, "GenerateFunction", dynamoDb, sqs, shell)));
        handler.handleRequest(new ByteArrayInputStream(events.hitBytes()), new ByteArrayOutputStream(), null);
    }

    /** The events each run hands a function: the repository's samples, made fresh where a run must not repeat. */
    static final class Events {
        private final Path folder;

        Events(Path folder) {
            this.folder = folder;
        }

        byte[] hitBytes() throws IOException {
            return Files.readAllBytes(ROOT.resolve("events/generate.json"));
        }

        Path hit() {
            return ROOT.resolve("events/generate.json");
        }

        Path status() {
            return ROOT.resolve("events/jobs-status.json");
        }

        /** The sample generation with a prompt never asked before. */
        Path miss() {
            return write(sample("events/generate.json", event -> event.put("body",
                    Json.write(Json.object().put("prompt", "A benchmark prompt " + UUID.randomUUID())))));
        }

        /** One SQS record of a producer's job with a new id (the sample redriven record's shape). */
        Path workerRecord() {
            return write(sample("events/worker-redriven.json", event -> {
                ObjectNode record = (ObjectNode) event.path("Records").get(0);
                record.put("messageId", UUID.randomUUID().toString());
                record.put("body", Json.write(Json.object().put("jobId", "job_" + UUID.randomUUID().toString().replace("-", ""))
                        .set("request", Json.object().put("prompt", "A benchmark job"))));
                ((ObjectNode) record.path("attributes")).remove("DeadLetterQueueSourceArn");
            }));
        }

        private ObjectNode sample(String file, java.util.function.Consumer<ObjectNode> change) {
            try {
                ObjectNode event = (ObjectNode) Json.MAPPER.readTree(ROOT.resolve(file).toFile());
                change.accept(event);
                return event;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private Path write(JsonNode event) {
            try {
                Path file = Files.createTempFile(folder, "event", ".json");
                Files.writeString(file, Json.write(event), StandardCharsets.UTF_8);
                return file;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
