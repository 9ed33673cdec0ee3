package dev.genapi.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.problem.Problems;
import dev.genapi.core.webhooks.Callback;
import dev.genapi.core.webhooks.WebhookTargets;
import java.util.Optional;

/** The {@code callbackUrl} of a submitted job or batch: where its status is POSTed when it finishes. */
final class CallbackField {

    static final String NAME = "callbackUrl";

    private CallbackField() {
    }

    /**
     * Takes the field out of {@code body} (so the rest parses as before) and checks it.
     *
     * @throws dev.genapi.core.problem.ProblemException 400 naming the field when genapi will not call the URL
     */
    static Optional<Callback> take(JsonNode body, WebhookTargets targets) {
        if (!(body instanceof ObjectNode object) || !object.has(NAME)) {
            return Optional.empty();
        }
        JsonNode value = object.remove(NAME);
        if (!value.isTextual()) {
            throw Problems.invalidField(NAME, "must be a string: an https URL").toException();
        }
        try {
            return Optional.of(Callback.pending(targets.checkUrl(value.asText()).toString()));
        } catch (WebhookTargets.RefusedTarget refused) {
            throw Problems.invalidField(NAME, refused.getMessage()).toException();
        }
    }
}
