package dev.genapi.core.http;

import dev.genapi.core.log.Log;
import dev.genapi.core.problem.ProblemException;
import dev.genapi.core.problem.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The edge every API handler shares: reads the proxy event, and maps what the action throws to problems:
 * a {@link ProblemException} becomes its problem response, a failed AWS call (DynamoDB, SQS) a 503 with
 * Retry-After, and anything unexpected is logged with its stack trace and answered with a 500 problem that
 * shows none.
 */
public final class ApiEndpoint {

    private ApiEndpoint() {
    }

    /** A stream handler's whole job: event in, response out, a CORS preflight answered before the action. */
    public static void serve(InputStream input, OutputStream output, Cors cors,
                             Function<ApiRequest, ApiResponse> action) throws IOException {
        ApiRequest request = ApiRequest.read(input);
        ApiResponse response = cors.preflight(request).orElseGet(() -> cors.apply(request, serve(request, action)));
        response.write(output);
    }

    public static ApiResponse serve(ApiRequest request, Function<ApiRequest, ApiResponse> action) {
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
