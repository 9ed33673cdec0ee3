package dev.genapi.local.api;

import dev.genapi.local.template.FunctionSpec;
import dev.genapi.local.template.SamTemplate;
import java.util.Map;
import java.util.Optional;

/**
 * How the template's API checks callers, read from its resolved DefinitionBody (conditions applied): the
 * Lambda authorizer's function and cache TTL, or a Cognito authorizer, and whether paths have a CORS
 * preflight.
 */
public record ApiAuth(Optional<String> lambdaAuthorizer, boolean cognitoAuthorizer, int authorizerTtlSeconds,
                      boolean cors) {

    public static ApiAuth of(SamTemplate template) {
        Map<?, ?> body = (Map<?, ?>) template.properties("Api").get("DefinitionBody");
        Map<?, ?> definitions = body == null ? Map.of() : (Map<?, ?>) body.get("securityDefinitions");
        Optional<String> lambda = Optional.empty();
        int ttl = 300;
        Map<?, ?> lambdaJwt = definitions == null ? null : (Map<?, ?>) definitions.get("LambdaJwt");
        if (lambdaJwt != null) {
            Map<?, ?> authorizer = (Map<?, ?>) lambdaJwt.get("x-amazon-apigateway-authorizer");
            String uri = String.valueOf(authorizer.get("authorizerUri"));
            lambda = template.functions().stream().map(FunctionSpec::logicalId)
                    .filter(id -> uri.contains(template.invokedArn(id) + "/"))
                    .findFirst();
            if (lambda.isEmpty()) {
                throw new IllegalStateException("the API's Lambda authorizer names no function of the template: " + uri);
            }
            Object declaredTtl = authorizer.get("authorizerResultTtlInSeconds");
            ttl = declaredTtl == null ? 300 : Integer.parseInt(String.valueOf(declaredTtl));
        }
        boolean cognito = definitions != null && definitions.containsKey("CognitoJwt");
        Map<?, ?> paths = body == null ? Map.of() : (Map<?, ?>) body.get("paths");
        boolean cors = paths.values().stream().anyMatch(path -> ((Map<?, ?>) path).containsKey("options"));
        return new ApiAuth(lambda, cognito, ttl, cors);
    }
}
