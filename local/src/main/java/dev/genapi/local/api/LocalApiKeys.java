package dev.genapi.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.encoding.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local stack's API keys, from a committed file of development keys ({@code local/api-keys.json}): each
 * has the id API Gateway would give it, its secret value, and the tier (usage plan) it is on.
 */
public final class LocalApiKeys {

    /** One development key. */
    public record Key(String id, String value, String tier) {
    }

    private final List<Key> keys;

    private LocalApiKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    public static LocalApiKeys load(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the local API keys at " + file.toAbsolutePath()
                    + " (set GENAPI_API_KEYS to another file)", e);
        }
        List<Key> keys = new ArrayList<>();
        for (JsonNode key : root.path("keys")) {
            String id = key.path("id").asText("");
            String value = key.path("value").asText("");
            String tier = key.path("tier").asText("");
            if (id.isEmpty() || value.length() < 20 || tier.isEmpty()) {
                throw new IllegalStateException(file + ": every key needs an id, a value of at least 20 characters "
                        + "(as API Gateway requires) and a tier; this one does not: " + key);
            }
            keys.add(new Key(id, value, tier));
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException(file + " lists no keys");
        }
        return new LocalApiKeys(keys);
    }

    public Optional<Key> byValue(String value) {
        return keys.stream().filter(key -> key.value().equals(value)).findFirst();
    }

    public List<Key> all() {
        return keys;
    }
}
