package dev.genapi.model;

import dev.genapi.core.config.Env;
import dev.genapi.core.generation.Deadline;
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
 * Runs a request down its model's fallback chain ({@link ModelChains}), before the request's deadline.
 * A target whose circuit is open is skipped at once. A transient failure (rate limited, 5xx, time-out,
 * unreachable) moves on to the next target while time is left; a permanent one (an invalid request, blocked
 * content, a bad key) ends the request, as another model would fail it too. An answer from any target but
 * the first is marked as a fallback (never cached as the requested model's). When every target was skipped,
 * the request fails as {@code model-unavailable} with a Retry-After of when the soonest circuit lets a probe
 * through; when targets were tried, with the last failure.
 * <p>
 * Money: every attempt that may have been billed (one that timed out or answered something unusable) is
 * counted at its most, and an answer is charged its own cost plus those. What a request reserves, {@link
 * #maxCost}, is the sum over its chain, so that no path down the chain can cost more than was reserved.
 */
public final class FallbackChain {

    /** Less than this left of the budget, and no further target is tried. */
    static final Duration LEAST_WORTH_TRYING = Duration.ofSeconds(1);

    private final Generator generator;
    private final ModelChains chains;
    private final CircuitBreakers breakers;
    private final Pricing pricing;
    private final Clock clock;

    public FallbackChain(Generator generator, ModelChains chains, CircuitBreakers breakers, Pricing pricing,
                         Clock clock) {
        this.generator = generator;
        this.chains = chains;
        this.breakers = breakers;
        this.pricing = pricing;
        this.clock = clock;
    }

    /** From MODEL_CHAINS and the CIRCUIT_ settings (names as in template.yaml). */
    public static FallbackChain from(Env env, Generator generator, ModelChains chains, Pricing pricing, Clock clock) {
        return new FallbackChain(generator, chains, CircuitBreakers.from(env, clock), pricing, clock);
    }

    /**
     * @param observation counts model calls (one per attempt), fallbacks, skipped targets and opened circuits
     * @param deadline    when every attempt must be over: no target is tried with less than
     *                    {@link #LEAST_WORTH_TRYING} left, and a call in flight is cut off there
     * @throws ModelFailureException carrying what the attempts may have been billed
     */
    public Generation generate(GenerationRequest request, Observation observation, Deadline deadline) {
        List<String> chain = chains.of(request.model());
        ModelFailureException lastFailure = null;
        long possiblyBilled = 0;
        Instant soonestProbe = null;
        for (String model : chain) {
            if (deadline.left().compareTo(LEAST_WORTH_TRYING) < 0) {
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
                Generation generation = CallDeadline.within(deadline.nanoTime(), () -> generator.generate(request, model));
                breaker.succeeded();
                generation = generation.costingMore(possiblyBilled);
                if (model.equals(chain.get(0))) {
                    return generation;
                }
                observation.count(Metric.FALLBACKS, 1);
                return generation.asFallback();
            } catch (ModelFailureException e) {
                ModelFailure failure = e.failure();
                if (failure.kind().mayHaveBeenBilled) { // a time-out may still be billed: it counts in the answer
                    possiblyBilled += maxCost(request, model);
                }
                if (!failure.kind().transientFailure) {
                    breaker.succeeded(); // the target is up: it judged the request
                    throw e.possiblyBilled(possiblyBilled);
                }
                if (breaker.failed(failure.retryAfter() == null ? null : Duration.ofSeconds(failure.retryAfter()))) {
                    observation.count(Metric.CIRCUIT_OPENS, 1);
                }
                lastFailure = e;
            }
        }
        if (lastFailure != null) {
            throw lastFailure.possiblyBilled(possiblyBilled);
        }
        if (soonestProbe == null) { // no time was left for even the first target: nothing was called
            throw new ModelFailureException(ModelFailure.timeout()).possiblyBilled(0);
        }
        long wait = Math.max(1, Duration.between(clock.instant(), soonestProbe).toSeconds() + 1);
        throw new ModelFailureException(new ModelFailure(ModelFailure.Kind.CIRCUIT_OPEN,
                "Every model that could answer this request is failing; none is tried again before its "
                        + "circuit lets a probe through.", (int) Math.min(Integer.MAX_VALUE, wait)));
    }

    /**
     * The most the request can cost down its chain (what a call reserves): each target may be tried once,
     * and each attempt may be billed, so the sum over the chain.
     */
    public long maxCost(GenerationRequest request) {
        long most = 0;
        for (String model : chains.of(request.model())) {
            most += maxCost(request, model);
        }
        return most;
    }

    private long maxCost(GenerationRequest request, String model) {
        return pricing.maxNanoUsd(model, request.textBytes(), request.turns(), request.maxOutputTokens());
    }

    /** The circuit's name: provider and model. */
    static String target(String model) {
        return ModelTarget.parse(model).circuit();
    }
}
