package dev.genapi.testing;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a CloudWatch Logs Insights query for the log fields it names. */
public final class InsightsQueries {

    private static final Set<String> WORDS = Set.of("filter", "fields", "stats", "sort", "limit", "by", "as", "and",
            "or", "not", "desc", "asc", "count", "sum", "avg", "min", "max", "ispresent", "coalesce", "like", "in",
            "pct", "bin", "dedup", "display", "parse", "isempty", "isblank", "abs", "ceil", "floor", "concat",
            "strlen", "tolower", "toupper", "trim", "greatest", "least", "count_distinct", "stddev", "earliest",
            "latest", "sortsfirst", "sortslast");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z_@][A-Za-z0-9_.@]*");
    private static final Pattern ALIAS = Pattern.compile("\\bas\\s+([A-Za-z_][A-Za-z0-9_]*)");

    private InsightsQueries() {
    }

    /** The fields a query reads: not Logs Insights' own words and functions, its aliases, its strings or @fields. */
    public static Set<String> fieldsNamed(String query) {
        String code = String.join("\n", query.lines().map(line -> line.replaceFirst("#.*", "")).toList())
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ");
        Set<String> aliases = new LinkedHashSet<>();
        Matcher alias = ALIAS.matcher(code);
        while (alias.find()) {
            aliases.add(alias.group(1));
        }
        Set<String> fields = new LinkedHashSet<>();
        Matcher token = TOKEN.matcher(code);
        while (token.find()) {
            String name = token.group();
            if (!name.startsWith("@") && !WORDS.contains(name.toLowerCase(Locale.ROOT)) && !aliases.contains(name)) {
                fields.add(name);
            }
        }
        return fields;
    }
}
