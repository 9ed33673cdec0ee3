package dev.genapi.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.genapi.core.config.Env;
import dev.genapi.local.template.FunctionSpec;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/** Instantiates a function's handler class, as named by its {@code Handler}, through its composition root. */
public final class Handlers {

    private Handlers() {
    }

    /**
     * @throws IllegalStateException when the class is missing, is no RequestHandler, or fails to start
     *                               (its message carries the function's own start-up error)
     */
    @SuppressWarnings("unchecked")
    public static <I, O> RequestHandler<I, O> instantiate(FunctionSpec function, Map<String, String> environment) {
        if (!function.handlerMethod().equals("handleRequest")) {
            throw new IllegalStateException(function.logicalId() + ": the local stack invokes handleRequest, "
                    + "but the template names " + function.handlerMethod());
        }
        try {
            Class<?> type = Class.forName(function.handlerClass());
            if (!RequestHandler.class.isAssignableFrom(type)) {
                throw new IllegalStateException(function.handlerClass() + " is not a RequestHandler");
            }
            return (RequestHandler<I, O>) type.getConstructor(Env.class).newInstance(new Env(environment));
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
