package dev.genapi.local.template;

import java.util.List;
import java.util.Map;

/**
 * An {@code AWS::Serverless::Function} as declared, with Globals merged in and intrinsics resolved.
 *
 * @param handler     {@code fully.qualified.Class::method}
 * @param environment the function's environment variables
 */
public record FunctionSpec(String logicalId, String codeUri, String handler, int timeoutSeconds,
                           Map<String, String> environment, List<ApiRoute> apiRoutes,
                           Map<String, Object> properties) {

    public String handlerClass() {
        return handler.split("::", 2)[0];
    }

    public String handlerMethod() {
        String[] parts = handler.split("::", 2);
        return parts.length == 2 ? parts[1] : "handleRequest";
    }

    /** An {@code Api} event: a REST API route that invokes this function. Method {@code ANY} matches all. */
    public record ApiRoute(String path, String method) {
    }
}
