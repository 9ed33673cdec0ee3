package dev.genapi.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.genapi.core.config.Env;
import dev.genapi.local.sqs.SqsFunction;
import dev.genapi.local.template.FunctionSpec;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/** Instantiates a function's handler class, as named by its {@code Handler}, through its composition root. */
public final class Handlers {

    private Handlers() {
    }

    /** An API function: Lambda hands it the proxy event as JSON. */
    public static RequestStreamHandler api(FunctionSpec function, Map<String, String> environment) {
        return instantiate(function, environment, RequestStreamHandler.class);
    }

    /** A function an SQS event source mapping invokes: Lambda hands it the event as JSON too. */
    public static RequestHandler<SQSEvent, SQSBatchResponse> sqs(FunctionSpec function, Map<String, String> environment) {
        return new SqsFunction(instantiate(function, environment, RequestStreamHandler.class));
    }

    /**
     * @throws IllegalStateException when the class is missing, is not the kind of handler asked for, or fails
     *                               to start (its message carries the function's own start-up error)
     */
    private static <T> T instantiate(FunctionSpec function, Map<String, String> environment, Class<T> kind) {
        if (!function.handlerMethod().equals("handleRequest")) {
            throw new IllegalStateException(function.logicalId() + ": the local stack invokes handleRequest, "
                    + "but the template names " + function.handlerMethod());
        }
        try {
            Class<?> type = Class.forName(function.handlerClass());
            if (!kind.isAssignableFrom(type)) {
                throw new IllegalStateException(function.handlerClass() + " is not a " + kind.getSimpleName());
            }
            return kind.cast(type.getConstructor(Env.class).newInstance(new Env(environment)));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(function.logicalId() + ": handler class " + function.handlerClass()
                    + " is not on the local stack's classpath (add its module to local/pom.xml)", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(function.logicalId() + " failed to start: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(function.logicalId() + ": " + function.handlerClass()
                    + " needs a public constructor taking dev.genapi.core.config.Env", e);
        }
    }
}
