package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.genapi.core.cache.ResponseCache;
import dev.genapi.core.config.Env;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.local.template.FunctionSpec;
import dev.genapi.local.template.SamTemplate;
import dev.genapi.local.template.TableSpec;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeSsm;
import dev.genapi.testing.Repository;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** template.yaml checked against the code: it is the single source of truth, so it must be right. */
@ExtendWith(AwsEmulators.class)
class TemplateIT {

    /** Set by Lambda itself, or the SDK's own endpoint settings (unset in AWS): never the template's job. */
    static final Set<String> PLATFORM_VARIABLES = Set.of("AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_LEVEL", "AWS_LAMBDA_LOG_FORMAT", "AWS_XRAY_DAEMON_ADDRESS",
            "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL_SQS");

    final SamTemplate template = Repository.template();
    /** The template with every optional feature on, so that conditional functions are checked too. */
    final SamTemplate everything = SamTemplate.load(Repository.templateFile(), Map.of("JwtIssuer",
            "https://auth.example.com", "JwtAudience", "genapi", "CorsAllowedOrigins", "https://app.example.com"));

    @Test
    void everyHandlerClassExistsWithBothConstructors() throws Exception {
        assertThat(everything.functions()).extracting(FunctionSpec::logicalId).contains("JwtAuthorizerFunction");
        for (FunctionSpec function : everything.functions()) {
            Class<?> handler = Class.forName(function.handlerClass());
            assertThat(RequestHandler.class.isAssignableFrom(handler) || RequestStreamHandler.class.isAssignableFrom(handler))
                    .as(function.handlerClass() + " is a Lambda handler").isTrue();
            assertThat(function.handlerMethod()).isEqualTo("handleRequest");
            handler.getConstructor();
            handler.getConstructor(Env.class);
            assertThat(Repository.root().resolve(function.codeUri()).resolve("pom.xml")).exists();
        }
    }

    @Test
    void theTemplateSetsEveryVariableTheCodeReadsAndNothingElse(AwsBackend backend) throws Exception {
        try (FakeSsm ssm = FakeSsm.start()) {
            ssm.putSecureString(template.parameter("GeminiApiKeyParameterName"), "key");
            ssm.putSecureString(template.parameter("WebhookSecretParameterName"), "a-webhook-deployment-secret-of-32-chars-or-more");
            for (FunctionSpec function : everything.functions()) {
                Map<String, String> deployed = new HashMap<>(function.environment());
                deployed.put("AWS_REGION", "us-east-1");
                deployed.put("AWS_ENDPOINT_URL_DYNAMODB", backend.dynamoDbEndpoint().toString());
                deployed.put("AWS_ENDPOINT_URL_SQS", backend.sqsEndpoint().toString());
                deployed.put("AWS_ENDPOINT_URL_SSM", ssm.endpoint());
                Env env = new Env(deployed);
                Class.forName(function.handlerClass()).getConstructor(Env.class).newInstance(env);

                Set<String> read = new HashSet<>(env.namesRead());
                read.removeAll(PLATFORM_VARIABLES);
                assertThat(function.environment().keySet()).as(function.logicalId() + " sets what it reads")
                        .containsAll(read);
                assertThat(read).as(function.logicalId() + " reads what the template sets")
                        .containsAll(function.environment().keySet());
            }
        }
    }

    @Test
    void everyTableHasTtlAndTheCacheUsesTheDeclaredAttribute() {
        assertThat(template.tables()).isNotEmpty();
        for (TableSpec table : template.tables()) {
            assertThat(table.ttlAttribute()).as(table.logicalId()).isNotNull();
            assertThat(table.properties().get("BillingMode")).isEqualTo("PAY_PER_REQUEST");
        }
        assertThat(template.tables().stream().filter(t -> t.logicalId().equals("ResponseCacheTable")))
                .singleElement().extracting(TableSpec::ttlAttribute).isEqualTo(ResponseCache.EXPIRES_AT);
    }

    @Test
    void noTableOrQueueNameIsHardCoded() {
        for (String type : List.of("AWS::DynamoDB::Table", "AWS::SQS::Queue")) {
            template.resourcesOfType(type).forEach((id, resource) -> assertThat(template.properties(id))
                    .as(id).doesNotContainKeys("TableName", "QueueName"));
        }
    }

    @Test
    void policiesAreScopedToTheStacksOwnResources() {
        for (FunctionSpec function : everything.functions()) {
            // A function that needs no AWS service declares none; the others name each statement.
            List<?> policies = (List<?>) function.properties().getOrDefault("Policies", List.of());
            assertThat(policies.isEmpty()).as(function.logicalId() + " declares its policies")
                    .isEqualTo(function.logicalId().equals("JwtAuthorizerFunction"));
            for (Object policy : policies) {
                assertThat(policy).as("a managed policy name").isNotInstanceOf(String.class);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> statements = (List<Map<String, Object>>) ((Map<?, ?>) policy).get("Statement");
                assertThat(statements).as(function.logicalId() + ": only explicit statements").isNotNull();
                for (Map<String, Object> statement : statements) {
                    Object resource = statement.get("Resource");
                    List<?> resources = resource instanceof List<?> list ? list : List.of(resource);
                    for (Object arn : resources) {
                        assertThat(String.valueOf(arn)).as(function.logicalId() + " " + statement.get("Action"))
                                .doesNotContain("*")
                                .contains(SamTemplate.ACCOUNT_ID)
                                .startsWith("arn:aws:");
                    }
                    Object action = statement.get("Action");
                    List<?> actions = action instanceof List<?> list ? list : List.of(action);
                    assertThat(actions).allSatisfy(a -> assertThat(String.valueOf(a)).doesNotContain("*"));
                }
            }
        }
    }

    @Test
    void functionsRunJava21OnTheCoreLayerBehindARestApi() {
        for (FunctionSpec function : template.functions()) {
            assertThat(function.properties().get("Runtime")).isEqualTo("java21");
            assertThat(function.properties().get("Layers").toString()).contains("genapi-local-CoreLayer");
            assertThat(function.properties()).doesNotContainKey("DeadLetterQueue");
        }
        assertThat(template.resourcesOfType("AWS::Serverless::Api")).hasSize(1);
        assertThat(template.resourcesOfType("AWS::Serverless::HttpApi")).isEmpty();
        Map<String, Object> layer = template.properties("CoreLayer");
        assertThat(Files.isRegularFile(Repository.root().resolve((String) layer.get("ContentUri")).resolve("pom.xml"))).isTrue();
    }

    @Test
    void everyErrorTheGatewayAnswersItselfIsProblemJson() {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> responses =
                (Map<String, Map<String, Object>>) template.properties("Api").get("GatewayResponses");
        assertThat(responses).containsKeys("DEFAULT_4XX", "DEFAULT_5XX", "MISSING_AUTHENTICATION_TOKEN");
        responses.forEach((type, response) -> assertThat(response.toString())
                .as(type).contains("'application/problem+json'").contains("urn:genapi:problem:"));
    }

    @Test
    void theWorkersQueueFollowsAwsRulesForLambdaEventSources() {
        FunctionSpec worker = template.function("WorkerFunction");
        assertThat(worker.sqsTriggers()).hasSize(1);
        FunctionSpec.SqsTrigger trigger = worker.sqsTriggers().get(0);
        assertThat(trigger.reportsItemFailures()).as("FunctionResponseTypes: [ReportBatchItemFailures]").isTrue();
        assertThat(trigger.maximumConcurrency()).as("ScalingConfig.MaximumConcurrency").isBetween(2, 1000);
        assertThat(trigger.batchSize()).isPositive();
        assertThat(Integer.parseInt(worker.environment().get("WORKER_PARALLELISM")))
                .as("every record of a batch runs at once").isEqualTo(trigger.batchSize());

        Map<String, Object> queue = template.properties(trigger.queueLogicalId());
        assertThat(Integer.parseInt(String.valueOf(queue.get("VisibilityTimeout"))))
                .as("visibility timeout >= 6x the worker's timeout").isGreaterThanOrEqualTo(6 * worker.timeoutSeconds());
        @SuppressWarnings("unchecked")
        Map<String, Object> redrive = (Map<String, Object>) queue.get("RedrivePolicy");
        int maxReceiveCount = Integer.parseInt(String.valueOf(redrive.get("maxReceiveCount")));
        assertThat(maxReceiveCount).isGreaterThanOrEqualTo(5);
        assertThat(worker.environment().get("MAX_RECEIVE_COUNT")).isEqualTo(Integer.toString(maxReceiveCount));
        assertThat(worker.environment().get("JOBS_QUEUE_URL"))
                .as("the worker changes visibility on the queue it is fed from")
                .isEqualTo(String.valueOf(template.resolve(Map.of("Ref", trigger.queueLogicalId()))));
        assertThat(Integer.parseInt(worker.environment().get("JOB_LEASE_SECONDS")))
                .as("a lapsed lease means the attempt is dead").isGreaterThan(worker.timeoutSeconds());
        assertThat(Integer.parseInt(worker.environment().get("GEMINI_TIMEOUT_SECONDS"))).isLessThan(worker.timeoutSeconds());
        assertThat(worker.environment().get("GEMINI_MAX_RETRIES")).as("SQS redelivery is the retry").isEqualTo("0");

        String deadLetterQueue = template.queueIdForArn(String.valueOf(redrive.get("deadLetterTargetArn")));
        int sourceRetention = Integer.parseInt(String.valueOf(queue.get("MessageRetentionPeriod")));
        int deadLetterRetention = Integer.parseInt(String.valueOf(template.properties(deadLetterQueue).get("MessageRetentionPeriod")));
        assertThat(deadLetterRetention).as("DLQ retention > source retention").isGreaterThan(sourceRetention);

        Map<String, Object> alarms = template.resourcesOfType("AWS::CloudWatch::Alarm");
        assertThat(alarms.keySet()).anySatisfy(id -> {
            Map<String, Object> alarm = template.properties(id);
            assertThat(alarm.get("MetricName")).isEqualTo("ApproximateNumberOfMessagesVisible");
            assertThat(alarm.toString()).contains(template.physicalName(deadLetterQueue));
        });
    }

    @Test
    void statusFunctionOnlyReadsAndEveryIndexItNamesExists() {
        FunctionSpec status = template.function("StatusFunction");
        assertThat(status.properties().toString()).doesNotContain("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
                "sqs:", "ssm:PutParameter", "GeminiApiKeyParameterName");
        // The one SSM read it may make: the webhook secret callers' own secrets derive from (GET /v1/webhooks/secret).
        String properties = status.properties().toString();
        assertThat(properties.replace("arn:aws:ssm:", "")).containsOnlyOnce("ssm:").contains("ssm:GetParameter");
        assertThat(properties).containsOnlyOnce(":parameter").contains(":parameter" + template.parameter("WebhookSecretParameterName"));
        assertThat(status.environment()).doesNotContainKeys("MODEL_PROVIDER", "GEMINI_API_KEY_PARAMETER");
        List<?> indexes = (List<?>) template.properties("JobsTable").get("GlobalSecondaryIndexes");
        for (FunctionSpec function : template.functions()) {
            String index = function.environment().get("JOBS_BATCH_INDEX");
            if (index != null) {
                assertThat(indexes.toString()).contains("IndexName=" + index);
            }
        }
    }

    @Test
    void aSynchronousModelCallAndItsRetriesFitTheFunctionsTimeoutAndApiGateways() {
        FunctionSpec generate = template.function("GenerateFunction");
        int calls = 1 + Integer.parseInt(generate.environment().get("GEMINI_MAX_RETRIES"));
        int deadline = Integer.parseInt(generate.environment().get("GEMINI_TIMEOUT_SECONDS"));
        assertThat(calls * deadline).isLessThan(generate.timeoutSeconds());
        assertThat(generate.timeoutSeconds()).as("API Gateway's integration timeout").isLessThanOrEqualTo(29);
    }

    @Test
    void gatewayResponsesWithAKnownStatusSayIt() {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> responses =
                (Map<String, Map<String, Object>>) template.properties("Api").get("GatewayResponses");
        responses.forEach((type, response) -> {
            if (!type.startsWith("DEFAULT_")) {
                assertThat(response.toString()).as(type).containsPattern("\"status\":\\d{3}");
            }
        });
        assertThat(responses.get("THROTTLED").toString()).contains("Retry-After");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theApisBodyIntegratesExactlyTheRoutesTheFunctionsDeclare() {
        Map<String, Object> body = (Map<String, Object>) template.properties("Api").get("DefinitionBody");
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) body.get("paths");
        Map<String, String> declared = new java.util.TreeMap<>();
        for (FunctionSpec function : template.functions()) {
            for (FunctionSpec.ApiRoute route : function.apiRoutes()) {
                assertThat(route.method()).as(route.path() + ": ANY, so a wrong method reaches the function (405)")
                        .isEqualTo("ANY");
                declared.put(route.path(), function.logicalId());
            }
        }
        assertThat(paths.keySet()).containsExactlyInAnyOrderElementsOf(declared.keySet());
        declared.forEach((path, function) -> {
            Map<String, Object> integration = (Map<String, Object>) ((Map<String, Object>) paths.get(path)
                    .get("x-amazon-apigateway-any-method")).get("x-amazon-apigateway-integration");
            assertThat(integration).as(path).containsEntry("type", "aws_proxy");
            assertThat(String.valueOf(integration.get("uri"))).as(path)
                    .contains(template.invokedArn(function) + "/invocations");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void gatewayResponsesAreProblemTypesOfTheRegistry() throws Exception {
        Map<String, Map<String, Object>> responses =
                (Map<String, Map<String, Object>>) template.properties("Api").get("GatewayResponses");
        for (var response : responses.entrySet()) {
            String body = String.valueOf(((Map<String, Object>) response.getValue().get("ResponseTemplates"))
                    .get("application/json")).replace("$context.error.messageString", "\"x\"");
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            String slug = json.path("type").asText().replace(ProblemType.TYPE_PREFIX, "");
            ProblemType type = java.util.Arrays.stream(ProblemType.values()).filter(t -> t.slug().equals(slug))
                    .findFirst().orElseThrow(() -> new AssertionError(response.getKey() + ": unknown type " + slug));
            assertThat(json.path("title").asText()).as(response.getKey()).isEqualTo(type.title());
            assertThat(type.jobErrorOnly()).as(response.getKey()).isFalse();
            if (!response.getKey().startsWith("DEFAULT_")) {
                assertThat(json.path("status").asInt()).as(response.getKey()).isEqualTo(type.status());
                assertThat(String.valueOf(response.getValue().get("StatusCode"))).as(response.getKey())
                        .isEqualTo(Integer.toString(type.status()));
            }
        }
        assertThat(responses).containsKeys("INVALID_API_KEY", "UNAUTHORIZED", "ACCESS_DENIED", "THROTTLED",
                "QUOTA_EXCEEDED", "AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR");
    }

    @Test
    void theReadmesErrorTablesListEveryProblemTypeOnceWithItsStatus() throws Exception {
        String readme = Files.readString(Repository.root().resolve("README.md"));
        java.util.Map<String, Integer> http = new java.util.HashMap<>();
        java.util.List<String> jobOnly = new java.util.ArrayList<>();
        var row = java.util.regex.Pattern.compile("(?m)^\\| (\\d{3}) \\| ([^|]+) \\|");
        var codeRow = java.util.regex.Pattern.compile("(?m)^\\| `([a-z-]+)` \\| [^|]+ \\|$");
        var slug = java.util.regex.Pattern.compile("`([a-z-]+)`");
        for (var rows = row.matcher(readme); rows.find(); ) {
            for (var slugs = slug.matcher(rows.group(2)); slugs.find(); ) {
                assertThat(http.put(slugs.group(1), Integer.parseInt(rows.group(1)))).as(slugs.group(1) + " listed once").isNull();
            }
        }
        for (var codes = codeRow.matcher(readme); codes.find(); ) {
            if (!codes.group(1).equals("code")) { // the header row
                jobOnly.add(codes.group(1));
            }
        }
        java.util.Map<String, Integer> registry = new java.util.HashMap<>();
        java.util.List<String> registryJobOnly = new java.util.ArrayList<>();
        for (ProblemType type : ProblemType.values()) {
            if (type.jobErrorOnly()) {
                registryJobOnly.add(type.slug());
            } else {
                registry.put(type.slug(), type.status());
            }
        }
        assertThat(http).as("README's error table").isEqualTo(registry);
        assertThat(jobOnly).as("README's job error codes").containsExactlyInAnyOrderElementsOf(registryJobOnly);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyBudgetTierHasAUsagePlanAndEveryPlanABudget() {
        java.util.Set<String> planTiers = new java.util.HashSet<>();
        template.resourcesOfType("AWS::ApiGateway::UsagePlan").keySet().forEach(id -> {
            String name = String.valueOf(template.properties(id).get("UsagePlanName"));
            assertThat(name).startsWith(SamTemplate.STACK_NAME + "-");
            planTiers.add(name.substring(SamTemplate.STACK_NAME.length() + 1));
        });
        for (FunctionSpec function : template.functions()) {
            String tiers = function.environment().get("BUDGET_TIERS");
            if (tiers != null) {
                assertThat(java.util.Arrays.stream(tiers.split(",")).map(t -> t.split("=")[0]).toList())
                        .as(function.logicalId()).containsExactlyInAnyOrderElementsOf(planTiers);
                assertThat(planTiers).contains(function.environment().get("BUDGET_DEFAULT_TIER"));
            }
        }
        assertThat(planTiers).containsExactlyInAnyOrder("free", "standard");
    }

    @Test
    void theStackOutputsWhatARedriveNeeds() {
        @SuppressWarnings("unchecked")
        Map<String, Object> outputs = (Map<String, Object>) template.document().get("Outputs");
        assertThat(outputs).containsKeys("JobsQueueUrl", "JobsQueueArn", "JobsDeadLetterQueueArn", "JobsDeadLetterQueueUrl",
                "WebhookQueueUrl", "WebhookQueueArn", "WebhookDeadLetterQueueArn", "WebhookDeadLetterQueueUrl");
    }
}
