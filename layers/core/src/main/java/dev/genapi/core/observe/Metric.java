package dev.genapi.core.observe;

import java.util.List;

/**
 * Every CloudWatch metric genapi emits (namespace {@value #NAMESPACE}), with its unit and the dimensions it
 * is emitted under: defined once, so that the records carry only these and the template's dashboard and
 * alarms name only these (a test holds both to this list). Dimensions stay few and low-cardinality:
 * function, route, status class, model, error kind, outcome; never the caller.
 */
public enum Metric {
    // One API request: per route and status class.
    REQUESTS("requests", Unit.COUNT, Dimensions.ROUTE),
    LATENCY("latencyMs", Unit.MILLISECONDS, Dimensions.ROUTE),
    // One generation, asked for by a request or a job: per model.
    CACHE_HITS("cacheHits", Unit.COUNT, Dimensions.MODEL),
    CACHE_MISSES("cacheMisses", Unit.COUNT, Dimensions.MODEL),
    CACHE_BYPASSES("cacheBypasses", Unit.COUNT, Dimensions.MODEL),
    MODEL_CALLS("modelCalls", Unit.COUNT, Dimensions.MODEL),
    MODEL_LATENCY("modelLatencyMs", Unit.MILLISECONDS, Dimensions.MODEL),
    INPUT_TOKENS("inputTokens", Unit.COUNT, Dimensions.MODEL),
    OUTPUT_TOKENS("outputTokens", Unit.COUNT, Dimensions.MODEL),
    COST("costUsd", Unit.NONE, Dimensions.MODEL),
    SAVED("savedUsd", Unit.NONE, Dimensions.MODEL),
    MODEL_ERRORS("modelErrors", Unit.COUNT, Dimensions.MODEL_ERROR),
    // The fallback chain (per requested model): answers by a fallback, targets skipped while their circuit is
    // open, and circuits this generation's failures opened (the log line names the target).
    FALLBACKS("fallbacks", Unit.COUNT, Dimensions.MODEL),
    CIRCUIT_SKIPS("circuitSkips", Unit.COUNT, Dimensions.MODEL),
    CIRCUIT_OPENS("circuitOpens", Unit.COUNT, Dimensions.MODEL),
    // One delivery of a message to the worker (a job attempt, or a duplicate, busy or malformed one): per outcome.
    DELIVERIES("deliveries", Unit.COUNT, Dimensions.OUTCOME),
    RUN_TIME("runMs", Unit.MILLISECONDS, Dimensions.OUTCOME),
    QUEUE_WAIT("queueWaitMs", Unit.MILLISECONDS, Dimensions.OUTCOME),
    JOBS_SUCCEEDED("jobsSucceeded", Unit.COUNT, Dimensions.FUNCTION),
    JOBS_FAILED("jobsFailed", Unit.COUNT, Dimensions.FUNCTION),
    JOBS_DEAD_LETTERED("jobsDeadLettered", Unit.COUNT, Dimensions.FUNCTION),
    ATTEMPTS_PER_JOB("attemptsPerJob", Unit.COUNT, Dimensions.FUNCTION),
    // One delivery attempt of a callback (webhook): per outcome (delivered, retrying, failed, refused, ...).
    WEBHOOK_DELIVERIES("webhookDeliveries", Unit.COUNT, Dimensions.OUTCOME),
    // One batch submitted.
    BATCH_SIZE("batchSize", Unit.COUNT, Dimensions.FUNCTION);

    public static final String NAMESPACE = "genapi";

    /** CloudWatch's unit names. */
    public enum Unit {
        COUNT("Count"), MILLISECONDS("Milliseconds"), NONE("None");

        final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }
    }

    /**
     * The dimension sets a metric is emitted under, each a list of record fields whose values name a series:
     * the detailed one for graphs, and the function alone for alarms and totals.
     */
    public static final class Dimensions {
        public static final List<List<String>> ROUTE = List.of(
                List.of("function", "route", "statusClass"), List.of("function", "route"));
        public static final List<List<String>> MODEL = List.of(List.of("function", "model"), List.of("function"));
        public static final List<List<String>> MODEL_ERROR = List.of(
                List.of("function", "errorKind"), List.of("function"));
        public static final List<List<String>> OUTCOME = List.of(List.of("function", "outcome"), List.of("function"));
        public static final List<List<String>> FUNCTION = List.of(List.of("function"));

        private Dimensions() {
        }
    }

    private final String metricName;
    private final Unit unit;
    private final List<List<String>> dimensionSets;

    Metric(String metricName, Unit unit, List<List<String>> dimensionSets) {
        this.metricName = metricName;
        this.unit = unit;
        this.dimensionSets = dimensionSets;
    }

    /** The metric's name in CloudWatch, and the record field that holds its value. */
    public String metricName() {
        return metricName;
    }

    public String unit() {
        return unit.cloudWatchName;
    }

    public List<List<String>> dimensionSets() {
        return dimensionSets;
    }
}
