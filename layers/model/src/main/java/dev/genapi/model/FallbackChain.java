package dev.genapi.model;

import dev.genapi.core.config.Env;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.observe.Metric;
import dev.genapi.core.observe.Observation;
import dev.genapi.core.usage.Pricing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Runs a request down its model's fallback chain ({@link ModelChains}), within the request's time budget.
 * A target whose circuit is open is skipped at once. A transient failure (rate limited, 5xx, time-out,
 * unreachable) moves on to the next target while time is left; a permanent one (an invalid request, blocked
 * content, a bad key) ends the request, as another model would fail it too. An answer from any target but
 * the first is marked as a fallback (never cached as the requested model's). When every target was skipped,
 * the request fails as {@code model-unavailable} with a Retry-After of when the soonest circuit lets a probe
 * through; when targets were tried, with the last failure.
 */
public final class FallbackChain {

    /** Less than this left of the budget, and no further target is tried. */
    static final Duration LEAST_WORTH_TRYING = Duration.ofSeconds(1);

    private final Generator generator;
    private final ModelChains chains;
    private final CircuitBreakers breakers;
    private final Pricing pricing;
    private final Duration budget;
    private final Clock clock;

    /** @param budget how long one request may spend on all its targets together */
    public FallbackChain(Generator generator, ModelChains chains, CircuitBreakers breakers, Pricing pricing,
                         Duration budget, Clock clock) {
        this.generator = generator;
        this.chains = chains;
        this.breakers = breakers;
        this.pricing = pricing;
        this.budget = budget;
        this.clock = clock;
    }

    /**
     * From MODEL_CHAINS, the CIRCUIT_ settings and GENERATION_BUDGET_SECONDS (names as in template.yaml): the
     * synchronous path's budget keeps inside API Gateway's 29 s, the worker's inside its function's time-out.
     */
    public static FallbackChain from(Env env, Generator generator, ModelChains chains, Pricing pricing, Clock clock) {
        return new FallbackChain(generator, chains, CircuitBreakers.from(env, clock), pricing,
                env.seconds("GENERATION_BUDGET_SECONDS", 26, 1, 900), clock);
    }

    /** @param observation counts model calls (one per attempt), fallbacks, skipped targets and opened circuits */
    public Generation generate(GenerationRequest request, Observation observation) {
        long deadline = System.nanoTime() + budget.toNanos();
        List<String> chain = chains.of(request.model());
        ModelFailureException lastFailure = null;
        long possiblyBilled = 0;
        Instant soonestProbe = null;
        for (String model : chain) {
            if (deadline - System.nanoTime() < LEAST_WORTH_TRYING.toNanos()) {
                break;
            }
            CircuitBreaker breaker = breakers.of(target(model));
            if (!breaker.tryAcquire()) {
                observation.count(Metric.CIRCUIT_SKIPS, 1);
                Instant probe = breaker.openUntil();
                soonestProbe = soonestProbe == null || probe.isBefore(soonestProbe) ? probe : soonestProbe;
                continue;
            }
            observation.count(Metric.MODEL_CALLS, 1); // each attempt is a call
            try {
                Generation generation = CallDeadline.within(deadline, () -> generator.generate(request, model));
                breaker.succeeded();
                generation = generation.costingMore(possiblyBilled);
                if (model.equals(chain.get(0))) {
                    return generation;
                }
                observation.count(Metric.FALLBACKS, 1);
                return generation.asFallback();
            } catch (ModelFailureException e) {
                ModelFailure failure = e.failure();
                if (!failure.kind().transientFailure) {
                    breaker.succeeded(); // the target is up: it judged the request
                    throw e;
                }
                if (breaker.failed(failure.retryAfter() == null ? null : Duration.ofSeconds(failure.retryAfter()))) {
                    observation.count(Metric.CIRCUIT_OPENS, 1);
                }
                if (failure.kind().mayHaveBeenBilled) { // a time-out may still be billed: it counts in the answer
                    possiblyBilled += maxCost(request, model);
                }
                lastFailure = e;
            }
        }
        if (lastFailure != null) {
            throw possiblyBilled > 0 ? lastFailure.afterAnAttemptThatMayHaveBeenBilled() : lastFailure;
        }
        if (soonestProbe == null) { // no time was left for even the first target
            throw new ModelFailureException(ModelFailure.timeout());
        }
        long wait = Math.max(1, Duration.between(clock.instant(), soonestProbe).toSeconds() + 1);
        throw new ModelFailureException(new ModelFailure(ModelFailure.Kind.CIRCUIT_OPEN,
                "Every model that could answer this request is failing; none is tried again before its "
                        + "circuit lets a probe through.", (int) Math.min(Integer.MAX_VALUE, wait)));
    }

    /** The most the request can cost on any target of its chain (what a call reserves). */
    public long maxCost(GenerationRequest request) {
        long most = 0;
        for (String model : chains.of(request.model())) {
            most = Math.max(most, maxCost(request, model));
        }
        return most;
    }

    private long maxCost(GenerationRequest request, String model) {
        return pricing.maxNanoUsd(model, request.textBytes(), request.turns(), request.maxOutputTokens());
    }

    /** The circuit's name: provider and model. */
    static String target(String model) {
        return ModelTargets.onOpenAi(model) ? model : "gemini:" + model;
    }
}
