package dev.genapi.core.http;

import dev.genapi.core.config.Env;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CORS for browser clients, from {@code CORS_ALLOWED_ORIGINS} (template parameter CorsAllowedOrigins: the
 * origins allowed, {@code *} for any, empty for none). A preflight is answered without credentials; a
 * response to an allowed origin says so, and exposes the headers a client of this API reads.
 */
public final class Cors {

    static final String ALLOWED_METHODS = "GET, POST, OPTIONS";
    static final String ALLOWED_HEADERS = "Content-Type, x-api-key, Authorization, Idempotency-Key, Cache-Control";
    static final String EXPOSED_HEADERS = "X-Cache, Age, Retry-After, Location, X-Request-Id";
    static final String MAX_AGE_SECONDS = "600";

    private final List<String> origins;

    public Cors(List<String> origins) {
        this.origins = List.copyOf(origins);
    }

    public static Cors from(Env env) {
        return new Cors(env.list("CORS_ALLOWED_ORIGINS"));
    }

    /** The answer to a CORS preflight ({@code OPTIONS}), when CORS is on. */
    public Optional<ApiResponse> preflight(ApiRequest request) {
        if (origins.isEmpty() || !request.method().equals("OPTIONS")) {
            return Optional.empty();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        allowedOrigin(request).ifPresent(origin -> {
            headers.put("Access-Control-Allow-Origin", origin);
            headers.put("Access-Control-Allow-Methods", ALLOWED_METHODS);
            headers.put("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            headers.put("Access-Control-Max-Age", MAX_AGE_SECONDS);
        });
        headers.put("Vary", "Origin");
        return Optional.of(new ApiResponse(204, headers, ""));
    }

    /** The response, with the CORS headers when the request comes from an allowed origin. */
    public ApiResponse apply(ApiRequest request, ApiResponse response) {
        Optional<String> origin = allowedOrigin(request);
        if (origin.isEmpty()) {
            return response;
        }
        return response.withHeaders(Map.of("Access-Control-Allow-Origin", origin.get(),
                "Access-Control-Expose-Headers", EXPOSED_HEADERS, "Vary", "Origin"));
    }

    private Optional<String> allowedOrigin(ApiRequest request) {
        Optional<String> origin = request.header("Origin");
        if (origin.isEmpty() || origins.isEmpty()) {
            return Optional.empty();
        }
        if (origins.contains("*")) {
            return Optional.of("*");
        }
        return origins.contains(origin.get()) ? origin : Optional.empty();
    }
}
