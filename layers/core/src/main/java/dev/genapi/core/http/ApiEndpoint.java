package dev.genapi.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.genapi.core.log.Log;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The edge every API handler shares: a {@link ProblemException} becomes its problem response, a failed AWS
 * call (DynamoDB, SQS) a 503 with Retry-After, and anything unexpected is logged with its stack trace and
 * answered with a 500 problem that shows none.
 */
public final class ApiEndpoint {

    private ApiEndpoint() {
    }

    public static APIGatewayProxyResponseEvent serve(APIGatewayProxyRequestEvent event,
                                                     Function<ApiRequest, APIGatewayProxyResponseEvent> action) {
        ApiRequest request = new ApiRequest(event == null ? new APIGatewayProxyRequestEvent() : event);
        try {
            return action.apply(request);
        } catch (ProblemException e) {
            return ApiResponses.problem(e.problem(), request);
        } catch (SdkException e) {
            Log.warn("request " + request.requestId() + ": an AWS call failed", e);
            return ApiResponses.problem(Problems.serviceUnavailable(), request);
        } catch (RuntimeException e) {
            Log.error("request " + request.requestId() + " failed unexpectedly", e);
            return ApiResponses.problem(Problems.internalError(), request);
        }
    }

    /** @throws ProblemException 405 with an Allow header unless the request uses {@code method} */
    public static void requireMethod(ApiRequest request, String method) {
        if (!request.method().equals(method)) {
            throw Problems.methodNotAllowed(request.method(), method).toException();
        }
    }
}
