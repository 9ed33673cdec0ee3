package dev.genapi.generate;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.genapi.core.aws.AwsClients;
import dev.genapi.core.cache.CacheDirectives;
import dev.genapi.core.cache.ResponseCache;
import dev.genapi.core.config.Env;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationConfig;
import dev.genapi.core.generation.GenerationJson;
import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.generation.GenerationResult;
import dev.genapi.core.generation.GenerationService;
import dev.genapi.core.generation.Generator;
import dev.genapi.core.http.ApiEndpoint;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponses;
import dev.genapi.core.log.Log;
import dev.genapi.core.model.ChatModels;
import dev.genapi.core.model.GeminiApiKey;
import dev.genapi.core.model.ModelConfig;
import dev.genapi.core.model.ModelFailureException;
import dev.langchain4j.model.chat.ChatModel;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** POST /v1/generate: parse the body, generate through the cache, answer with the generation. */
public final class GenerateHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final GenerationRequestParser parser;
    private final GenerationService service;
    private final int maxBodyBytes;
    private final Clock clock;

    /** Lambda's entry point: the real dependencies, built once per container from the environment. */
    public GenerateHandler() {
        this(Env.system());
    }

    /** The composition root; the local stack calls it with the environment template.yaml declares. */
    public GenerateHandler(Env env) {
        this(env, Clock.systemUTC());
    }

    /** For tests: the same wiring on a clock they control. */
    GenerateHandler(Env env, Clock clock) {
        GenerationConfig config = GenerationConfig.from(env);
        ChatModel model = ChatModels.create(ModelConfig.from(env), config.defaultModel(),
                () -> GeminiApiKey.resolve(env, () -> AwsClients.ssm(env)));
        ResponseCache cache = new ResponseCache(AwsClients.dynamoDb(env), env.require("CACHE_TABLE"), clock);
        this.parser = new GenerationRequestParser(config);
        this.service = new GenerationService(new Generator(model, clock), cache, config);
        this.maxBodyBytes = config.maxBodyBytes();
        this.clock = clock;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return ApiEndpoint.serve(event, request -> {
            ApiEndpoint.requireMethod(request, "POST");
            GenerationRequest generationRequest = parser.parse(request.jsonBody(maxBodyBytes));
            GenerationResult result;
            try {
                result = service.generate(generationRequest, request.caller(),
                        CacheDirectives.parse(request.header("Cache-Control")));
            } catch (ModelFailureException e) {
                Log.warn("request " + request.requestId() + ": model call failed (" + e.failure().kind() + ")", e);
                throw e.failure().toProblem().toException();
            }
            return ok(result, request);
        });
    }

    private APIGatewayProxyResponseEvent ok(GenerationResult result, ApiRequest request) {
        Generation generation = result.generation();
        boolean hit = result.cacheStatus() == GenerationResult.CacheStatus.HIT;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Cache", result.cacheStatus().name());
        if (hit) {
            long age = Duration.between(generation.createdAt(), clock.instant()).toSeconds();
            headers.put("Age", Long.toString(Math.max(0, age)));
        }
        return ApiResponses.json(200, GenerationJson.of(generation, hit), headers, request.requestId());
    }
}
