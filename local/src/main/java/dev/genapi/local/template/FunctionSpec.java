package dev.genapi.local.template;

import java.util.List;
import java.util.Map;

/**
 * An {@code AWS::Serverless::Function} as declared, with Globals merged in and intrinsics resolved.
 *
 * @param name        the function's name, as {@code !Ref} gives it (and Lambda's AWS_LAMBDA_FUNCTION_NAME)
 * @param handler     {@code fully.qualified.Class::method}
 * @param environment the function's environment variables
 */
public record FunctionSpec(String logicalId, String name, String codeUri, String handler, int timeoutSeconds,
                           Map<String, String> environment, List<ApiRoute> apiRoutes, List<SqsTrigger> sqsTriggers,
                           Map<String, Object> properties) {

    /** Lambda's LoggingConfig: {@code LogFormat}, {@code ApplicationLogLevel}, {@code SystemLogLevel}. */
    public Map<String, String> loggingConfig() {
        Map<String, String> config = new java.util.LinkedHashMap<>();
        if (properties.get("LoggingConfig") instanceof Map<?, ?> declared) {
            declared.forEach((key, value) -> config.put(String.valueOf(key), String.valueOf(value)));
        }
        return config;
    }

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

    /**
     * An {@code SQS} event: Lambda's event source mapping from a queue.
     *
     * @param queueLogicalId         the queue's resource in the template
     * @param reportsItemFailures    FunctionResponseTypes has ReportBatchItemFailures
     * @param maximumConcurrency     ScalingConfig.MaximumConcurrency (0 when not set)
     */
    public record SqsTrigger(String queueLogicalId, int batchSize, int batchingWindowSeconds,
                             boolean reportsItemFailures, int maximumConcurrency) {
    }
}
