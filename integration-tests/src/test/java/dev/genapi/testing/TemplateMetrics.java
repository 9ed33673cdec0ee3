package dev.genapi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genapi.local.template.SamTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Every metric template.yaml's dashboards and alarms name, with its dimensions as the template resolves them. */
public final class TemplateMetrics {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SEARCH = Pattern.compile("SEARCH\\('\\{([^}]*)}([^']*)'");
    private static final Pattern METRIC_NAME = Pattern.compile("MetricName=\"([^\"]+)\"");
    private static final Pattern FUNCTION = Pattern.compile("function=\"([^\"]+)\"");

    /**
     * A metric the template names.
     *
     * @param where      the dashboard widget or alarm that names it
     * @param dimensions the dimensions it names, with their values (a SEARCH names keys; its values are those of
     *                   the functions it is limited to)
     * @param search     from a SEARCH expression: any series with these dimension keys
     */
    public record Reference(String where, String namespace, String name, Map<String, String> dimensions, boolean search) {
    }

    private TemplateMetrics() {
    }

    public static List<Reference> of(SamTemplate template) {
        List<Reference> references = new ArrayList<>();
        template.resourcesOfType("AWS::CloudWatch::Dashboard").keySet().forEach(id -> dashboard(template, id, references));
        template.resourcesOfType("AWS::CloudWatch::Alarm").keySet().forEach(id -> alarm(template, id, references));
        return references;
    }

    private static void dashboard(SamTemplate template, String id, List<Reference> references) {
        JsonNode body;
        try {
            body = JSON.readTree(String.valueOf(template.resolve(template.properties(id).get("DashboardBody"))));
        } catch (IOException e) {
            throw new UncheckedIOException(id + "'s DashboardBody is not JSON", e);
        }
        for (JsonNode widget : body.path("widgets")) {
            String where = id + " \"" + widget.path("properties").path("title").asText() + "\"";
            for (JsonNode row : widget.path("properties").path("metrics")) {
                if (row.get(0).isObject()) {
                    search(where, row.get(0).path("expression").asText(), references);
                    continue;
                }
                Map<String, String> dimensions = new LinkedHashMap<>();
                int last = row.get(row.size() - 1).isObject() ? row.size() - 1 : row.size();
                for (int i = 2; i + 1 < last; i += 2) {
                    dimensions.put(row.get(i).asText(), row.get(i + 1).asText());
                }
                references.add(new Reference(where, row.get(0).asText(), row.get(1).asText(), dimensions, false));
            }
        }
    }

    /** {@code SEARCH('{namespace,dimension,...} MetricName="name" function="..."', ...)}: one reference per function. */
    private static void search(String where, String expression, List<Reference> references) {
        Matcher search = SEARCH.matcher(expression);
        if (!search.find()) {
            return; // plain metric math over ids named elsewhere
        }
        String[] schema = search.group(1).split(",");
        Matcher name = METRIC_NAME.matcher(search.group(2));
        if (!name.find()) {
            throw new IllegalStateException(where + ": a SEARCH without a MetricName: " + expression);
        }
        Matcher function = FUNCTION.matcher(search.group(2));
        boolean limited = false;
        while (function.find()) {
            limited = true;
            Map<String, String> dimensions = new LinkedHashMap<>();
            for (int i = 1; i < schema.length; i++) {
                dimensions.put(schema[i].trim(), "");
            }
            dimensions.put("function", function.group(1));
            references.add(new Reference(where, schema[0].trim(), name.group(1), dimensions, true));
        }
        if (!limited) {
            throw new IllegalStateException(where + ": a SEARCH not limited to this stack's functions: " + expression);
        }
    }

    @SuppressWarnings("unchecked")
    private static void alarm(SamTemplate template, String id, List<Reference> references) {
        Map<String, Object> properties = (Map<String, Object>) template.resolve(template.properties(id));
        if (properties.containsKey("MetricName")) {
            references.add(new Reference(id, String.valueOf(properties.get("Namespace")),
                    String.valueOf(properties.get("MetricName")), dimensions(properties.get("Dimensions")), false));
        }
        for (Object query : (List<Object>) properties.getOrDefault("Metrics", List.of())) {
            Map<String, Object> stat = (Map<String, Object>) ((Map<String, Object>) query).get("MetricStat");
            if (stat != null) {
                Map<String, Object> metric = (Map<String, Object>) stat.get("Metric");
                references.add(new Reference(id, String.valueOf(metric.get("Namespace")),
                        String.valueOf(metric.get("MetricName")), dimensions(metric.get("Dimensions")), false));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> dimensions(Object declared) {
        Map<String, String> dimensions = new LinkedHashMap<>();
        for (Object dimension : (List<Object>) (declared == null ? List.of() : declared)) {
            Map<String, Object> pair = (Map<String, Object>) dimension;
            dimensions.put(String.valueOf(pair.get("Name")), String.valueOf(pair.get("Value")));
        }
        return dimensions;
    }
}
