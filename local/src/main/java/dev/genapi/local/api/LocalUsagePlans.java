package dev.genapi.local.api;

import dev.genapi.local.template.SamTemplate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The template's usage plans, enforced locally as API Gateway does per API key: a token bucket for the
 * throttle (RateLimit per second, BurstLimit at once) and a counter for the quota (Limit per DAY, WEEK or
 * MONTH, in UTC). A key's plan is the one named {@code <stack>-<tier>}; limits come from template.yaml, so
 * local and deployed limits cannot drift.
 */
public final class LocalUsagePlans {

    /** One plan's limits. */
    public record Plan(String name, double rateLimit, int burstLimit, int quotaLimit, String quotaPeriod) {
    }

    private final Map<String, Plan> plansByTier;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Map<String, Quota> quotas = new HashMap<>();

    LocalUsagePlans(Map<String, Plan> plansByTier, Clock clock) {
        this.plansByTier = Map.copyOf(plansByTier);
        this.clock = clock;
    }

    public static LocalUsagePlans from(SamTemplate template, Clock clock) {
        Map<String, Plan> plans = new HashMap<>();
        for (String id : template.resourcesOfType("AWS::ApiGateway::UsagePlan").keySet()) {
            Map<String, Object> properties = template.properties(id);
            String name = String.valueOf(properties.get("UsagePlanName"));
            Map<?, ?> throttle = (Map<?, ?>) properties.get("Throttle");
            Map<?, ?> quota = (Map<?, ?>) properties.get("Quota");
            plans.put(name.substring(name.lastIndexOf('-') + 1), new Plan(name,
                    Double.parseDouble(String.valueOf(throttle.get("RateLimit"))),
                    Integer.parseInt(String.valueOf(throttle.get("BurstLimit"))),
                    Integer.parseInt(String.valueOf(quota.get("Limit"))), String.valueOf(quota.get("Period"))));
        }
        return new LocalUsagePlans(plans, clock);
    }

    public Optional<Plan> plan(String tier) {
        return Optional.ofNullable(plansByTier.get(tier));
    }

    /**
     * Counts one request of the key against its plan: empty when it may pass, else the gateway response
     * API Gateway refuses it with ({@code THROTTLED}, {@code QUOTA_EXCEEDED}, or {@code ACCESS_DENIED} for
     * a key on no plan of this API).
     */
    public synchronized Optional<String> admit(String keyId, String tier) {
        Plan plan = plansByTier.get(tier);
        if (plan == null) {
            return Optional.of("ACCESS_DENIED");
        }
        Instant now = clock.instant();
        Bucket bucket = buckets.computeIfAbsent(keyId, id -> new Bucket(plan.burstLimit(), now));
        bucket.refill(plan, now);
        if (bucket.tokens < 1) {
            return Optional.of("THROTTLED");
        }
        Instant periodEnd = periodEnd(plan.quotaPeriod(), now);
        Quota quota = quotas.get(keyId);
        if (quota == null || !quota.until.equals(periodEnd)) {
            quota = new Quota(periodEnd);
            quotas.put(keyId, quota);
        }
        if (quota.used >= plan.quotaLimit()) {
            return Optional.of("QUOTA_EXCEEDED");
        }
        bucket.tokens -= 1;
        quota.used++;
        return Optional.empty();
    }

    static Instant periodEnd(String period, Instant now) {
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate end = switch (period) {
            case "DAY" -> today.plusDays(1);
            case "WEEK" -> today.with(TemporalAdjusters.next(java.time.DayOfWeek.MONDAY));
            default -> today.withDayOfMonth(1).plusMonths(1);
        };
        return end.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static final class Bucket {
        private double tokens;
        private Instant refilled;

        Bucket(int burst, Instant now) {
            this.tokens = burst;
            this.refilled = now;
        }

        void refill(Plan plan, Instant now) {
            double seconds = Duration.between(refilled, now).toNanos() / 1e9;
            tokens = Math.min(plan.burstLimit(), tokens + seconds * plan.rateLimit());
            refilled = now;
        }
    }

    private static final class Quota {
        private final Instant until;
        private int used;

        Quota(Instant until) {
            this.until = until;
        }
    }
}
