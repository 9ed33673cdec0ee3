package dev.genapi.testing;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.genapi.core.config.Env;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run in a fresh JVM (with {@code -verbose:class}) by ClassLoadingIT: builds one handler as Lambda would,
 * sends it one request, and prints the status, so the parent can see every class that took.
 * Arguments: handler class, method, resource, path id or "-", body or "-", then KEY=VALUE environment.
 */
public final class HandlerProbe {

    private HandlerProbe() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (int i = 5; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            env.put(pair[0], pair[1]);
        }
        var handler = new ApiFunction((RequestStreamHandler)
                Class.forName(args[0]).getConstructor(Env.class).newInstance(new Env(env)));
        String path = args[2].replace("{id}", args[3]);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        ApiEvent event = ApiEvents.request(args[1], path, args[4].equals("-") ? null : args[4],
                "probe", headers).withResource(args[2]);
        if (!args[3].equals("-")) {
            event.withPathParameters(Map.of("id", args[3]));
        }
        System.out.println("PROBE-STATUS " + handler.handleRequest(event, null).getStatusCode());
    }
}
