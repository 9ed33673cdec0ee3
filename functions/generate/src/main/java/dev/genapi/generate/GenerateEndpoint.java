package dev.genapi.generate;

import dev.genapi.core.cache.CacheDirectives;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.generation.Deadline;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationJson;
import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.generation.GenerationResult;
import dev.genapi.core.http.ApiEndpoint;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.ApiResponses;
import dev.genapi.core.http.CallerIdentity;
import dev.genapi.core.log.Log;
import dev.genapi.core.usage.BudgetExceededException;
import dev.genapi.model.GenerationService;
import dev.genapi.model.ModelFailureException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** POST /v1/generate: parse the body, generate through the cache, answer with the generation. */
final class GenerateEndpoint {

    private final GenerationRequestParser parser;
    private final GenerationService service;
    private final CallerIdentity callers;
    private final int maxBodyBytes;
    private final Clock clock;

    GenerateEndpoint(GenerationRequestParser parser, GenerationService service, CallerIdentity callers,
                     int maxBodyBytes, Clock clock) {
        this.parser = parser;
        this.service = service;
        this.callers = callers;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    /** @param deadline when the generation must be over, for the function to answer in time */
    ApiResponse handle(ApiRequest request, Deadline deadline) {
        ApiEndpoint.requireMethod(request, "POST");
        Caller caller = callers.of(request);
        GenerationRequest generationRequest = parser.parse(request.jsonBody(maxBodyBytes));
        GenerationResult result;
        try {
            result = service.generate(generationRequest, Optional.of(caller),
                    CacheDirectives.parse(request.header("Cache-Control")), request.observation(), deadline);
        } catch (ModelFailureException e) {
            Log.warn("the model call failed", e, "apiRequestId", request.requestId());
            throw e.failure().toProblem().toException();
        } catch (BudgetExceededException e) {
            throw e.toProblem().toException();
        }
        Generation generation = result.generation();
        boolean hit = result.cacheStatus() == GenerationResult.CacheStatus.HIT;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Cache", result.cacheStatus().name());
        if (generation.fallback()) { // the requested model failed; another of its chain answered
            headers.put("X-Fallback", generation.model());
        }
        if (hit) {
            long age = Duration.between(generation.createdAt(), clock.instant()).toSeconds();
            headers.put("Age", Long.toString(Math.max(0, age)));
        }
        return ApiResponses.json(200, GenerationJson.of(generation, hit), headers, request.requestId());
    }
}
