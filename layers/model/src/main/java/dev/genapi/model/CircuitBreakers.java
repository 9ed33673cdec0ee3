package dev.genapi.model;

import dev.genapi.core.config.Env;
import dev.genapi.core.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link CircuitBreaker} per model target, for this container; each change of state is logged.
 * {@code CIRCUIT_FAILURES} consecutive transient failures within {@code CIRCUIT_WINDOW_SECONDS} open a
 * circuit for {@code CIRCUIT_COOLDOWN_SECONDS} (names as in template.yaml).
 */
public final class CircuitBreakers {

    private final CircuitBreaker.Settings settings;
    private final Clock clock;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    public CircuitBreakers(CircuitBreaker.Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public static CircuitBreakers from(Env env, Clock clock) {
        return new CircuitBreakers(new CircuitBreaker.Settings(env.intValue("CIRCUIT_FAILURES", 5, 1, 100),
                env.seconds("CIRCUIT_WINDOW_SECONDS", 60, 1, 3_600), env.seconds("CIRCUIT_COOLDOWN_SECONDS", 30, 1, 3_600)),
                clock);
    }

    public CircuitBreaker of(String target) {
        return breakers.computeIfAbsent(target, name -> new CircuitBreaker(name, settings, clock,
                (changed, from, to, until) -> Log.info("a model target's circuit changed", "target", changed,
                        "from", from.name(), "to", to.name(), "openUntil", until == null ? null : until.toString())));
    }

    /** For tests and the record: how long a circuit stays open when nothing asks for longer. */
    public Duration coolDown() {
        return settings.coolDown();
    }
}
