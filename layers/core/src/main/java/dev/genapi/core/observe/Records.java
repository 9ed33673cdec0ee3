package dev.genapi.core.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where records go: one JSON object a line on stdout, which Lambda ships to CloudWatch Logs (and
 * CloudWatch extracts the metrics of their {@code _aws} block). The local stack listens too, for its page.
 */
public final class Records {

    private static final List<Consumer<ObjectNode>> LISTENERS = new CopyOnWriteArrayList<>();

    private Records() {
    }

    public static void write(ObjectNode record) {
        System.out.println(Json.write(record));
        LISTENERS.forEach(listener -> listener.accept(record));
    }

    /** Also hands every record to {@code listener} (the local stack's page; tests). */
    public static void listen(Consumer<ObjectNode> listener) {
        LISTENERS.add(listener);
    }

    public static void stopListening(Consumer<ObjectNode> listener) {
        LISTENERS.remove(listener);
    }
}
