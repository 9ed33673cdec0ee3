package dev.genapi.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Lambda's Java runtime does in a fresh container, in a fresh JVM: builds the handler with its no-arg
 * constructor (which reads the environment the parent set), hands it one event, and prints how long each
 * step took. A stream handler gets the event's bytes; a {@code RequestHandler<SomeEvent, ...>} gets the event
 * deserialised, and its answer serialised, by the runtime's own serialiser for Lambda's event classes.
 * Arguments: handler class, event file.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        Object handler = Class.forName(args[0]).getConstructor().newInstance();
        long initialised = System.nanoTime();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        if (handler instanceof RequestStreamHandler stream) {
            stream.handleRequest(new ByteArrayInputStream(event), answer, null);
        } else {
            invokeTyped(handler, event, answer);
        }
        long answered = System.nanoTime();
        String text = answer.toString(java.nio.charset.StandardCharsets.UTF_8);
        System.out.println("PROBE init=" + (initialised - start) / 1_000 + " invoke=" + (answered - initialised) / 1_000
                + " answer=" + text.substring(0, Math.min(300, text.length())).replace('\n', ' '));
        System.exit(0); // as Lambda freezes the container: no wait for non-daemon threads
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void invokeTyped(Object handler, byte[] event, ByteArrayOutputStream answer) {
        Type[] types = null;
        for (Type type : handler.getClass().getGenericInterfaces()) {
            if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == RequestHandler.class) {
                types = parameterized.getActualTypeArguments();
            }
        }
        ClassLoader loader = handler.getClass().getClassLoader();
        PojoSerializer input = LambdaEventSerializers.serializerFor((Class) types[0], loader);
        PojoSerializer output = LambdaEventSerializers.serializerFor((Class) types[1], loader);
        Object result = ((RequestHandler) handler).handleRequest(input.fromJson(new ByteArrayInputStream(event)), null);
        output.toJson(result, answer);
    }
}
