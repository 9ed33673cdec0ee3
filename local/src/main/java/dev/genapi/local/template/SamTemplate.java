package dev.genapi.local.template;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * template.yaml as the local stack and the tests see it: functions, routes, environment and tables, with
 * Globals merged and intrinsics ({@code Ref}, {@code Fn::Sub}, {@code Fn::GetAtt}, {@code Fn::Join})
 * resolved against parameter defaults (or overrides) and a local account. Nothing here repeats what the
 * template declares.
 */
public final class SamTemplate {

    public static final String STACK_NAME = "genapi-local";
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "000000000000";
    private final Map<String, Object> root;
    private final Map<String, String> parameters;
    private final Map<String, String> queueUrls;
    private final Intrinsics intrinsics;

    private SamTemplate(Map<String, Object> root, Map<String, String> parameters, Map<String, String> queueUrls) {
        this.root = root;
        this.parameters = parameters;
        this.queueUrls = queueUrls;
        this.intrinsics = new Intrinsics(new Intrinsics.References() {
            @Override
            public Object ref(String name) {
                return SamTemplate.this.ref(name);
            }

            @Override
            public String getAtt(String logicalId, String attribute) {
                return SamTemplate.this.getAtt(logicalId, attribute);
            }
        }, map(root.get("Conditions")));
    }

    public static SamTemplate load(Path file) {
        return load(file, Map.of());
    }

    /** @param overrides parameter values that replace the template's defaults */
    public static SamTemplate load(Path file, Map<String, String> overrides) {
        Map<String, Object> root = CloudFormationYaml.load(file);
        Map<String, String> parameters = new LinkedHashMap<>();
        map(root.get("Parameters")).forEach((name, declaration) -> {
            Object fallback = map(declaration).get("Default");
            if (fallback != null) {
                parameters.put(name, String.valueOf(fallback));
            }
        });
        parameters.putAll(overrides);
        return new SamTemplate(root, parameters, new LinkedHashMap<>());
    }

    /** The raw document (intrinsics in long form), for checks on what is declared. */
    public Map<String, Object> document() {
        return root;
    }

    public Map<String, Object> resources() {
        return map(root.get("Resources"));
    }

    /** The resources of a type that this stack creates: those whose Condition holds (or that have none). */
    public Map<String, Object> resourcesOfType(String type) {
        Map<String, Object> found = new LinkedHashMap<>();
        resources().forEach((id, resource) -> {
            if (type.equals(map(resource).get("Type")) && exists(id)) {
                found.put(id, resource);
            }
        });
        return found;
    }

    /** Whether the stack creates the resource: its Condition holds, or it has none. */
    public boolean exists(String logicalId) {
        Object condition = map(resources().get(logicalId)).get("Condition");
        return condition == null || intrinsics.condition((String) condition);
    }

    /** Whether a condition of the template holds for this stack's parameters. */
    public boolean condition(String name) {
        return intrinsics.condition(name);
    }

    /** Properties of a resource, intrinsics resolved. */
    public Map<String, Object> properties(String logicalId) {
        return map(resolve(map(map(resources().get(logicalId)).get("Properties"))));
    }

    public List<FunctionSpec> functions() {
        List<FunctionSpec> functions = new ArrayList<>();
        for (String id : resourcesOfType("AWS::Serverless::Function").keySet()) {
            functions.add(function(id));
        }
        return functions;
    }

    public FunctionSpec function(String logicalId) {
        Map<String, Object> properties = withGlobals(properties(logicalId));
        Map<String, String> environment = new LinkedHashMap<>();
        map(map(properties.get("Environment")).get("Variables"))
                .forEach((name, value) -> environment.put(name, String.valueOf(value)));
        List<FunctionSpec.ApiRoute> routes = new ArrayList<>();
        List<FunctionSpec.SqsTrigger> triggers = new ArrayList<>();
        map(properties.get("Events")).forEach((name, event) -> {
            Map<String, Object> declaration = map(event);
            Map<String, Object> eventProperties = map(declaration.get("Properties"));
            if ("Api".equals(declaration.get("Type"))) {
                routes.add(new FunctionSpec.ApiRoute((String) eventProperties.get("Path"),
                        ((String) eventProperties.get("Method")).toUpperCase()));
            } else if ("SQS".equals(declaration.get("Type"))) {
                triggers.add(new FunctionSpec.SqsTrigger(queueIdForArn((String) eventProperties.get("Queue")),
                        integer(eventProperties.getOrDefault("BatchSize", 10)),
                        integer(eventProperties.getOrDefault("MaximumBatchingWindowInSeconds", 0)),
                        list(eventProperties.get("FunctionResponseTypes")).contains("ReportBatchItemFailures"),
                        integer(map(eventProperties.get("ScalingConfig")).getOrDefault("MaximumConcurrency", 0))));
            }
        });
        Object timeout = properties.getOrDefault("Timeout", 3);
        return new FunctionSpec(logicalId, physicalName(logicalId), (String) properties.get("CodeUri"), (String) properties.get("Handler"),
                integer(timeout), environment, routes, triggers, properties);
    }

    public List<TableSpec> tables() {
        List<TableSpec> tables = new ArrayList<>();
        for (String id : resourcesOfType("AWS::DynamoDB::Table").keySet()) {
            Map<String, Object> properties = properties(id);
            Map<String, Object> ttl = map(properties.get("TimeToLiveSpecification"));
            String ttlAttribute = Boolean.TRUE.equals(ttl.get("Enabled")) ? (String) ttl.get("AttributeName") : null;
            tables.add(new TableSpec(id, physicalName(id), maps(properties.get("KeySchema")),
                    maps(properties.get("AttributeDefinitions")), ttlAttribute, properties));
        }
        return tables;
    }

    /** The template's queues, dead-letter queues first (a queue's RedrivePolicy names one that must exist). */
    public List<String> queuesInCreationOrder() {
        List<String> ordered = new ArrayList<>();
        List<String> rest = new ArrayList<>(resourcesOfType("AWS::SQS::Queue").keySet());
        while (!rest.isEmpty()) {
            int before = rest.size();
            for (String id : List.copyOf(rest)) {
                Object target = map(map(map(resources().get(id)).get("Properties")).get("RedrivePolicy"))
                        .get("deadLetterTargetArn");
                String dependsOn = target == null ? null : (String) list(map(target).get("Fn::GetAtt")).get(0);
                if (dependsOn == null || ordered.contains(dependsOn)) {
                    ordered.add(id);
                    rest.remove(id);
                }
            }
            if (rest.size() == before) {
                throw new IllegalStateException("queues name each other as dead-letter queues: " + rest);
            }
        }
        return ordered;
    }

    /** The queue resource whose ARN this is. */
    public String queueIdForArn(String arn) {
        for (String id : resourcesOfType("AWS::SQS::Queue").keySet()) {
            if (getAtt(id, "Arn").equals(arn)) {
                return id;
            }
        }
        throw new IllegalArgumentException("no queue in the template has ARN " + arn);
    }

    /** What the API and event sources invoke: the function's AutoPublishAlias when it has one, else the function. */
    public String invokedArn(String functionId) {
        String arn = getAtt(functionId, "Arn");
        Object alias = withGlobals(map(map(resources().get(functionId)).get("Properties"))).get("AutoPublishAlias");
        return alias == null ? arn : arn + ":" + resolve(alias);
    }

    public String queueArn(String logicalId) {
        return getAtt(logicalId, "Arn");
    }

    public String parameter(String name) {
        return parameters.get(name);
    }

    /** Lets Ref and GetAtt of a queue resolve to the URL the local SQS emulator gave it. */
    public void registerQueueUrl(String logicalId, String url) {
        queueUrls.put(logicalId, url);
    }

    /** The name a resource gets in the local account: its declared name, else {@code stack-LogicalId}. */
    public String physicalName(String logicalId) {
        Map<String, Object> resource = map(resources().get(logicalId));
        Map<String, Object> properties = map(resource.get("Properties"));
        for (String nameProperty : List.of("TableName", "QueueName", "FunctionName", "LogGroupName")) {
            if (properties.containsKey(nameProperty)) {
                return String.valueOf(resolve(properties.get(nameProperty)));
            }
        }
        return STACK_NAME + "-" + logicalId;
    }

    /** Resolves intrinsics anywhere in a value (see {@link Intrinsics}). */
    public Object resolve(Object value) {
        return intrinsics.resolve(value);
    }

    private String ref(String name) {
        switch (name) {
            case "AWS::StackName":
                return STACK_NAME;
            case "AWS::Region":
                return REGION;
            case "AWS::AccountId":
                return ACCOUNT_ID;
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            default:
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        if (name.endsWith(".Stage")) { // SAM's reference to an AWS::Serverless::Api's stage
            return String.valueOf(resolve(map(map(resources().get(name.substring(0, name.length() - 6)))
                    .get("Properties")).get("StageName")));
        }
        if (name.endsWith(".Alias")) { // SAM's reference to the alias AutoPublishAlias makes
            return invokedArn(name.substring(0, name.length() - 6));
        }
        Map<String, Object> resource = map(resources().get(name));
        if (resource.isEmpty()) {
            throw new IllegalArgumentException("Ref to unknown parameter or resource " + name);
        }
        if ("AWS::SQS::Queue".equals(resource.get("Type"))) {
            return queueUrl(name);
        }
        return physicalName(name);
    }

    private String getAtt(String logicalId, String attribute) {
        Map<String, Object> resource = map(resources().get(logicalId));
        String type = String.valueOf(resource.get("Type"));
        String name = physicalName(logicalId);
        return switch (type + "." + attribute) {
            case "AWS::DynamoDB::Table.Arn" -> "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT_ID + ":table/" + name;
            case "AWS::SQS::Queue.Arn" -> "arn:aws:sqs:" + REGION + ":" + ACCOUNT_ID + ":" + name;
            case "AWS::SQS::Queue.QueueName" -> name;
            case "AWS::SQS::Queue.QueueUrl" -> queueUrl(logicalId);
            case "AWS::Serverless::Function.Arn" -> "arn:aws:lambda:" + REGION + ":" + ACCOUNT_ID + ":function:" + name;
            case "AWS::Serverless::Function.Alias" -> invokedArn(logicalId); // ${Function.Alias} in a Sub
            default -> throw new IllegalArgumentException("the local stack does not resolve GetAtt " + logicalId + "." + attribute);
        };
    }

    /** The URL the emulator gave the queue; before it exists, the URL SQS would give it. */
    private String queueUrl(String logicalId) {
        String url = queueUrls.get(logicalId);
        return url != null ? url : "https://sqs." + REGION + ".amazonaws.com/" + ACCOUNT_ID + "/" + physicalName(logicalId);
    }

    /**
     * Globals.Function under a function's own properties, merged as SAM merges them: maps key by key (the
     * function wins), lists one after the other, any other value the function's.
     */
    private Map<String, Object> withGlobals(Map<String, Object> properties) {
        return merge(map(resolve(map(map(root.get("Globals")).get("Function")))), properties);
    }

    private static Map<String, Object> merge(Map<String, Object> globals, Map<String, Object> own) {
        Map<String, Object> merged = new LinkedHashMap<>(globals);
        own.forEach((key, value) -> merged.merge(key, value, (global, local) -> {
            if (global instanceof Map<?, ?> && local instanceof Map<?, ?>) {
                return merge(map(global), map(local));
            }
            if (global instanceof List<?> first && local instanceof List<?> second) {
                List<Object> both = new ArrayList<>(first);
                both.addAll(second);
                return both;
            }
            return local;
        }));
        return merged;
    }

    private static int integer(Object value) {
        return Integer.parseInt(String.valueOf(value));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object value) {
        return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
