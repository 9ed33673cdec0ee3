package dev.genapi.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An API function invoked as Lambda invokes it: the event serialised to JSON into the handler's stream, and
 * its JSON answer read back (into the events library's response class, for convenient assertions).
 */
public final class ApiFunction {

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final RequestStreamHandler handler;

    public ApiFunction(RequestStreamHandler handler) {
        this.handler = handler;
    }

    public APIGatewayProxyResponseEvent handleRequest(ApiEvent event, Context context) {
        try {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event.json())), output, context);
            return JSON.readValue(output.toByteArray(), APIGatewayProxyResponseEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
