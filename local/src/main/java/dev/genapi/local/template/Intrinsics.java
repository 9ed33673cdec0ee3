package dev.genapi.local.template;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudFormation's intrinsic functions, evaluated the way CloudFormation would for one stack: {@code Ref},
 * {@code Fn::GetAtt}, {@code Fn::Sub}, {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split}, the condition
 * functions ({@code Fn::If}, {@code Fn::Equals}, {@code Fn::Not}, {@code Fn::And}, {@code Fn::Or},
 * {@code Condition}) and {@code AWS::NoValue}, which removes the property or list item it stands in.
 * What a Ref or GetAtt names comes from the stack ({@link References}).
 */
public final class Intrinsics {

    /** What Ref and GetAtt of the stack's parameters and resources resolve to. */
    public interface References {
        Object ref(String name);

        String getAtt(String logicalId, String attribute);
    }

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");
    /** Stands for AWS::NoValue until the map or list that holds it drops it. */
    private static final Object NO_VALUE = new Object();

    private final References references;
    private final Map<String, Object> conditionDeclarations;
    private final Map<String, Boolean> conditions = new HashMap<>();

    public Intrinsics(References references, Map<String, Object> conditionDeclarations) {
        this.references = references;
        this.conditionDeclarations = conditionDeclarations;
    }

    /** Resolves intrinsics anywhere in a value; an AWS::NoValue at the top resolves to null. */
    public Object resolve(Object value) {
        Object resolved = evaluate(value);
        return resolved == NO_VALUE ? null : resolved;
    }

    /** Whether the template's condition holds for this stack. */
    public boolean condition(String name) {
        Boolean known = conditions.get(name);
        if (known == null) {
            Object declaration = conditionDeclarations.get(name);
            if (declaration == null) {
                throw new IllegalArgumentException("no condition " + name + " in the template");
            }
            known = truth(evaluate(declaration), name);
            conditions.put(name, known);
        }
        return known;
    }

    private Object evaluate(Object value) {
        if (value instanceof Map<?, ?> raw) {
            if (raw.size() == 1) {
                String key = String.valueOf(raw.keySet().iterator().next());
                Object argument = raw.values().iterator().next();
                if (key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::")) {
                    return function(key, argument);
                }
            }
            Map<String, Object> resolved = new LinkedHashMap<>();
            raw.forEach((k, v) -> {
                Object item = evaluate(v);
                if (item != NO_VALUE) {
                    resolved.put(String.valueOf(k), item);
                }
            });
            return resolved;
        }
        if (value instanceof List<?> items) {
            List<Object> resolved = new ArrayList<>();
            for (Object item : items) {
                Object one = evaluate(item);
                if (one != NO_VALUE) {
                    resolved.add(one);
                }
            }
            return resolved;
        }
        return value;
    }

    private Object function(String name, Object argument) {
        switch (name) {
            case "Ref":
                return "AWS::NoValue".equals(argument) ? NO_VALUE : references.ref((String) argument);
            case "Condition":
                return condition((String) argument);
            case "Fn::GetAtt": {
                List<Object> parts = list(evaluate(argument));
                return references.getAtt((String) parts.get(0), (String) parts.get(1));
            }
            case "Fn::Sub":
                return sub(argument);
            case "Fn::Join": {
                List<Object> join = list(argument);
                List<String> items = new ArrayList<>();
                list(evaluate(join.get(1))).forEach(item -> items.add(String.valueOf(item)));
                return String.join((String) join.get(0), items);
            }
            case "Fn::Select": {
                List<Object> select = list(argument);
                int index = Integer.parseInt(String.valueOf(evaluate(select.get(0))));
                List<Object> from = list(evaluate(select.get(1)));
                if (index < 0 || index >= from.size()) {
                    throw new IllegalArgumentException("Fn::Select index " + index + " is outside " + from);
                }
                return from.get(index);
            }
            case "Fn::Split": {
                List<Object> split = list(argument);
                String text = String.valueOf(evaluate(split.get(1)));
                return new ArrayList<Object>(Arrays.asList(text.split(Pattern.quote((String) split.get(0)), -1)));
            }
            case "Fn::If": {
                List<Object> branches = list(argument);
                return evaluate(condition((String) branches.get(0)) ? branches.get(1) : branches.get(2));
            }
            case "Fn::Equals": {
                List<Object> sides = list(argument);
                return String.valueOf(evaluate(sides.get(0))).equals(String.valueOf(evaluate(sides.get(1))));
            }
            case "Fn::Not":
                return !truth(evaluate(list(argument).get(0)), name);
            case "Fn::And":
                return list(argument).stream().allMatch(c -> truth(evaluate(c), name));
            case "Fn::Or":
                return list(argument).stream().anyMatch(c -> truth(evaluate(c), name));
            default:
                throw new IllegalArgumentException("the local stack does not resolve " + name);
        }
    }

    private String sub(Object argument) {
        String text;
        Map<String, Object> variables = Map.of();
        if (argument instanceof List<?> pair) {
            text = (String) pair.get(0);
            @SuppressWarnings("unchecked")
            Map<String, Object> declared = (Map<String, Object>) evaluate(pair.get(1));
            variables = declared;
        } else {
            text = (String) argument;
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(1);
            String replacement;
            if (variables.containsKey(variable)) {
                replacement = String.valueOf(variables.get(variable));
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                String[] parts = variable.split("\\.", 2);
                replacement = references.getAtt(parts[0], parts[1]);
            } else {
                replacement = String.valueOf(references.ref(variable));
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static boolean truth(Object value, String where) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(where + " needs a condition, got " + value);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of(value);
    }
}
