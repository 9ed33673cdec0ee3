package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.testing.DeployedTemplate;
import dev.genapi.testing.Repository;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a deployment of template.yaml creates, checked on the CloudFormation the SAM translator makes of it
 * (for several parameter sets), and the template held to the field's linter. Skipped, not passed, where
 * cfn-lint or the SAM translator is not installed.
 */
class DeployedTemplateIT {

    static final String COGNITO = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123";

    @Test
    void cfnLintPassesOnTheTemplateAndOnWhatSamMakesOfIt(@TempDir Path folder) throws Exception {
        DeployedTemplate.run(List.of("cfn-lint", "--version"));
        DeployedTemplate.run(List.of("cfn-lint", Repository.templateFile().toString()));
        // cfn-lint blanks an inline DefinitionBody when it lints the SAM template; the transformed one is whole.
        DeployedTemplate.run(List.of("cfn-lint", DeployedTemplate.writeTransformed(folder).toString()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> paths(DeployedTemplate deployment) {
        Map<String, Object> body = (Map<String, Object>) deployment.properties("Api").get("Body");
        return (Map<String, Map<String, Object>>) body.get("paths");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> securityDefinitions(DeployedTemplate deployment) {
        return (Map<String, Object>) ((Map<String, Object>) deployment.properties("Api").get("Body")).get("securityDefinitions");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> security(Map<String, Object> method) {
        return (List<Map<String, Object>>) method.get("security");
    }

    @Test
    void everyMethodOfEveryRouteRequiresAnApiKey() {
        DeployedTemplate deployment = DeployedTemplate.with(Map.of());
        Map<String, Map<String, Object>> paths = paths(deployment);
        assertThat(paths).containsKeys("/v1/generate", "/v1/jobs", "/v1/batches", "/v1/jobs/{id}",
                "/v1/batches/{id}", "/v1/usage", "/v1/webhooks/secret");
        assertThat(securityDefinitions(deployment)).containsOnlyKeys("api_key");
        assertThat((Map<String, Object>) securityDefinitions(deployment).get("api_key"))
                .containsEntry("type", "apiKey").containsEntry("name", "x-api-key").containsEntry("in", "header");
        paths.forEach((path, methods) -> {
            assertThat(methods).as(path + ": ANY only, no preflight without CORS").containsOnlyKeys("x-amazon-apigateway-any-method");
            assertThat(security((Map<String, Object>) methods.get("x-amazon-apigateway-any-method")))
                    .as(path).containsExactly(Map.of("api_key", List.of()));
        });
        assertThat(deployment.resources()).doesNotContainKeys("JwtAuthorizerFunction", "JwtAuthorizerPermission");
    }

    @Test
    void withAnIssuerEveryMethodAlsoRequiresAJwtCheckedByTheLambdaAuthorizer() {
        DeployedTemplate deployment = DeployedTemplate.with(Map.of("JwtIssuer", "https://auth.example.com",
                "JwtAudience", "genapi"));
        Map<String, Object> authorizer = (Map<String, Object>) ((Map<String, Object>) securityDefinitions(deployment)
                .get("LambdaJwt")).get("x-amazon-apigateway-authorizer");
        assertThat(authorizer).containsEntry("type", "request")
                .containsEntry("identitySource", "method.request.header.Authorization");
        assertThat((int) authorizer.get("authorizerResultTtlInSeconds")).isPositive();
        assertThat(String.valueOf(authorizer.get("authorizerUri"))).as("the alias SnapStart's versions stand behind")
                .contains("/functions/ref:JwtAuthorizerFunctionAliaslive/invocations");
        assertThat(deployment.properties("JwtAuthorizerPermission")).containsEntry("FunctionName",
                "ref:JwtAuthorizerFunctionAliaslive");
        paths(deployment).forEach((path, methods) -> assertThat(security(
                (Map<String, Object>) methods.get("x-amazon-apigateway-any-method")))
                .as(path).containsExactlyInAnyOrder(Map.of("LambdaJwt", List.of()), Map.of("api_key", List.of())));
        assertThat(deployment.resources()).containsKeys("JwtAuthorizerFunction", "JwtAuthorizerPermission");
        Map<String, Object> environment = (Map<String, Object>) ((Map<String, Object>) deployment
                .properties("JwtAuthorizerFunction").get("Environment")).get("Variables");
        assertThat(environment).containsEntry("JWT_ISSUER", "https://auth.example.com").containsEntry("JWT_AUDIENCE", "genapi");
    }

    @Test
    void aCognitoIssuerGetsACognitoAuthorizerOnItsUserPool() {
        DeployedTemplate deployment = DeployedTemplate.with(Map.of("JwtIssuer", COGNITO, "JwtAudience", "client-1"));
        Map<String, Object> authorizer = (Map<String, Object>) ((Map<String, Object>) securityDefinitions(deployment)
                .get("CognitoJwt")).get("x-amazon-apigateway-authorizer");
        assertThat(authorizer).containsEntry("type", "cognito_user_pools");
        assertThat((List<Object>) authorizer.get("providerARNs"))
                .containsExactly("arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_AbCdEf123");
        paths(deployment).forEach((path, methods) -> assertThat(security(
                (Map<String, Object>) methods.get("x-amazon-apigateway-any-method")))
                .as(path).containsExactlyInAnyOrder(Map.of("CognitoJwt", List.of()), Map.of("api_key", List.of())));
        assertThat(deployment.resources()).doesNotContainKey("JwtAuthorizerFunction");
    }

    @Test
    void withCorsEachRouteHasAPreflightThatNeedsNoCredentials() {
        DeployedTemplate deployment = DeployedTemplate.with(Map.of("CorsAllowedOrigins", "https://app.example.com"));
        paths(deployment).forEach((path, methods) -> {
            Map<String, Object> preflight = (Map<String, Object>) methods.get("options");
            assertThat(preflight).as(path).isNotNull();
            assertThat(security(preflight)).as(path + ": no key, no token").isEmpty();
            assertThat(preflight.get("x-amazon-apigateway-integration")).as(path)
                    .isEqualTo(((Map<String, Object>) methods.get("x-amazon-apigateway-any-method")).get("x-amazon-apigateway-integration"));
        });
    }

    @Test
    void eachTiersUsagePlanIsBoundToTheStageWithTheParametersLimits() {
        DeployedTemplate deployment = DeployedTemplate.with(Map.of("FreeRateLimit", "3", "FreeQuotaLimit", "77",
                "StandardQuotaPeriod", "WEEK"));
        Map<String, Map<String, Object>> plans = new java.util.HashMap<>();
        deployment.resources().forEach((id, resource) -> {
            if ("AWS::ApiGateway::UsagePlan".equals(resource.get("Type"))) {
                plans.put(id, (Map<String, Object>) resource.get("Properties"));
            }
        });
        assertThat(plans).containsOnlyKeys("FreeUsagePlan", "StandardUsagePlan");
        assertThat(deployment.resources()).containsKey("ApiStage");
        plans.values().forEach(plan -> assertThat((List<Object>) plan.get("ApiStages"))
                .containsExactly(Map.of("ApiId", "ref:Api", "Stage", "ref:ApiStage")));
        assertThat(plans.get("FreeUsagePlan").get("UsagePlanName")).isEqualTo("genapi-test-free");
        assertThat(plans.get("FreeUsagePlan").get("Throttle")).isEqualTo(Map.of("RateLimit", "3", "BurstLimit", "5"));
        assertThat(plans.get("FreeUsagePlan").get("Quota")).isEqualTo(Map.of("Limit", "77", "Period", "DAY"));
        assertThat(plans.get("StandardUsagePlan").get("Quota")).isEqualTo(Map.of("Limit", "200000", "Period", "WEEK"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionSnapStartsAndEverythingThatInvokesOneInvokesItsAlias() {
        DeployedTemplate deployment = DeployedTemplate.with(Map.of("JwtIssuer", "https://auth.example.com",
                "JwtAudience", "genapi"));
        List<String> functions = deployment.resources().entrySet().stream()
                .filter(entry -> "AWS::Lambda::Function".equals(entry.getValue().get("Type"))).map(Map.Entry::getKey).toList();
        assertThat(functions).containsExactlyInAnyOrder("GenerateFunction", "WorkerFunction", "StatusFunction",
                "WebhookFunction", "JwtAuthorizerFunction");
        for (String function : functions) {
            assertThat(deployment.properties(function)).as(function)
                    .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
            assertThat(deployment.properties(function + "Aliaslive")).as(function + "'s alias")
                    .containsEntry("FunctionName", "ref:" + function).containsEntry("Name", "live");
        }
        // API Gateway's integrations, its permissions and the queue's event source: the alias, never $LATEST.
        paths(deployment).forEach((path, methods) -> {
            Map<String, Object> integration = (Map<String, Object>) ((Map<String, Object>) methods
                    .get("x-amazon-apigateway-any-method")).get("x-amazon-apigateway-integration");
            assertThat(String.valueOf(integration.get("uri"))).as(path).containsPattern("/functions/ref:\\w+Aliaslive/invocations");
        });
        deployment.resources().forEach((id, resource) -> {
            if ("AWS::Lambda::Permission".equals(resource.get("Type"))
                    || "AWS::Lambda::EventSourceMapping".equals(resource.get("Type"))) {
                assertThat(String.valueOf(((Map<String, Object>) resource.get("Properties")).get("FunctionName")))
                        .as(id).matches("ref:\\w+Aliaslive");
            }
        });
    }
}
