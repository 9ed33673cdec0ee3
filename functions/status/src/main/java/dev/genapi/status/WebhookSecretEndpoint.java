package dev.genapi.status;

import dev.genapi.core.encoding.Json;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.ApiResponses;
import dev.genapi.core.http.CallerIdentity;
import dev.genapi.core.webhooks.WebhookSecrets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * GET /v1/webhooks/secret: the caller's own secret for verifying the deliveries of their callbacks. Never
 * cached by anyone in between. The deployment secret it derives from is read on the first such request, so a
 * start that serves only status reads never reads it.
 */
final class WebhookSecretEndpoint {

    private final Supplier<WebhookSecrets> secrets;
    private final CallerIdentity callers;

    WebhookSecretEndpoint(Supplier<WebhookSecrets> secrets, CallerIdentity callers) {
        this.secrets = secrets;
        this.callers = callers;
    }

    ApiResponse handle(ApiRequest request) {
        String scope = callers.of(request).scope();
        return ApiResponses.json(200, Json.object().put("secret", secrets.get().forScope(Optional.of(scope)))
                .put("algorithm", "HMAC-SHA256"), Map.of("Cache-Control", "no-store"), request.requestId());
    }
}
