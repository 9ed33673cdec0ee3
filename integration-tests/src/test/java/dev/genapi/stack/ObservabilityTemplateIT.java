package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.core.observe.Metric;
import dev.genapi.local.template.FunctionSpec;
import dev.genapi.local.template.SamTemplate;
import dev.genapi.testing.Repository;
import dev.genapi.testing.TemplateMetrics;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What template.yaml declares for operators: JSON logs at a level from a parameter, in log groups that
 * expire; X-Ray on the API and every function; dashboards and alarms that name metrics as the code declares
 * them ({@link Metric}) and AWS's metrics of this stack's own resources; saved queries over its log groups.
 * (RecordsIT holds the dashboard and alarms to what the functions really emit.)
 */
class ObservabilityTemplateIT {

    /** Every optional function on, so the authorizer is checked too. */
    final SamTemplate template = SamTemplate.load(Repository.templateFile(), Map.of("JwtIssuer",
            "https://auth.example.com", "JwtAudience", "genapi"));

    @Test
    void everyFunctionLogsJsonToItsOwnExpiringGroupAndIsTraced() {
        assertThat(template.functions()).extracting(FunctionSpec::logicalId).contains("JwtAuthorizerFunction");
        Set<Object> groups = new HashSet<>();
        for (FunctionSpec function : template.functions()) {
            Map<String, String> logging = function.loggingConfig();
            assertThat(logging.get("LogFormat")).as(function.logicalId()).isEqualTo("JSON");
            assertThat(logging.get("ApplicationLogLevel")).isEqualTo(template.parameter("LogLevel"));
            assertThat(function.properties().get("Tracing")).as(function.logicalId()).isEqualTo("Active");
            String group = logging.get("LogGroup");
            String groupId = template.resourcesOfType("AWS::Logs::LogGroup").keySet().stream()
                    .filter(id -> template.physicalName(id).equals(group)).findFirst()
                    .orElseThrow(() -> new AssertionError(function.logicalId() + " logs to a group the stack declares"));
            assertThat(String.valueOf(template.resolve(template.properties(groupId).get("RetentionInDays"))))
                    .isEqualTo(template.parameter("LogRetentionDays"));
            assertThat(groups.add(group)).as(function.logicalId() + " has a group of its own").isTrue();
        }
        assertThat(template.properties("Api").get("TracingEnabled")).isEqualTo(true);
    }

    /** The records are INFO and carry the metrics: a higher level would drop every metric. */
    @Test
    void theLogLevelCannotDropTheRecords() {
        @SuppressWarnings("unchecked")
        Map<String, Object> parameter = (Map<String, Object>) ((Map<String, Object>) template.document().get("Parameters"))
                .get("LogLevel");
        assertThat((List<?>) parameter.get("AllowedValues")).map(String::valueOf)
                .containsExactlyInAnyOrder("TRACE", "DEBUG", "INFO");
    }

    @Test
    void dashboardsAndAlarmsNameGenapisMetricsWithTheirDimensionsAndThisStacksResources() {
        List<TemplateMetrics.Reference> references = TemplateMetrics.of(template);
        assertThat(references).extracting(TemplateMetrics.Reference::namespace)
                .containsOnly(Metric.NAMESPACE, "AWS/ApiGateway", "AWS/Lambda", "AWS/SQS");
        Set<String> functions = template.functions().stream().map(FunctionSpec::name).collect(Collectors.toSet());
        Set<String> queues = template.queuesInCreationOrder().stream().map(template::physicalName).collect(Collectors.toSet());
        String api = String.valueOf(template.resolve(template.properties("Api").get("Name")));
        for (TemplateMetrics.Reference reference : references) {
            String what = reference.where() + ": " + reference.name() + " " + reference.dimensions();
            switch (reference.namespace()) {
                case Metric.NAMESPACE -> {
                    Metric metric = Arrays.stream(Metric.values()).filter(m -> m.metricName().equals(reference.name()))
                            .findFirst().orElseThrow(() -> new AssertionError("no such metric: " + what));
                    assertThat(metric.dimensionSets().stream().map(Set::copyOf))
                            .as(what + " uses one of the metric's dimension sets").contains(reference.dimensions().keySet());
                    assertThat(functions).as(what).contains(reference.dimensions().get("function"));
                }
                case "AWS/Lambda" -> assertThat(functions).as(what).contains(reference.dimensions().get("FunctionName"));
                case "AWS/SQS" -> assertThat(queues).as(what).contains(reference.dimensions().get("QueueName"));
                default -> assertThat(reference.dimensions()).as(what)
                        .isEqualTo(Map.of("ApiName", api, "Stage", template.parameter("Stage")));
            }
        }
    }

    @Test
    void everyAlarmTellsTheAlarmTopic() {
        template.resourcesOfType("AWS::CloudWatch::Alarm").keySet().forEach(id -> assertThat(
                String.valueOf(template.resolve(template.properties(id).get("AlarmActions"))))
                .as(id).contains(String.valueOf(template.resolve(Map.of("Ref", "AlarmTopic")))));
        assertThat(template.resourcesOfType("AWS::CloudWatch::Alarm").keySet()).contains("ApiServerErrorAlarm",
                "ModelErrorRateAlarm", "JobsQueueAgeAlarm", "JobsDeadLetterQueueAlarm", "FunctionErrorsAlarm",
                "FunctionThrottlesAlarm", "DailyCostAlarm", "JwtAuthorizerErrorsAlarm");
    }

    @Test
    void savedQueriesSearchTheFunctionsLogGroups() {
        Set<String> groups = template.resourcesOfType("AWS::Logs::LogGroup").keySet().stream()
                .map(template::physicalName).collect(Collectors.toSet());
        Map<String, Object> queries = template.resourcesOfType("AWS::Logs::QueryDefinition");
        assertThat(queries).hasSize(5);
        queries.keySet().forEach(id -> {
            @SuppressWarnings("unchecked")
            List<Object> names = (List<Object>) template.resolve(template.properties(id).get("LogGroupNames"));
            assertThat(names).as(id).isNotEmpty().allSatisfy(name -> assertThat(groups).contains(String.valueOf(name)));
        });
    }
}
