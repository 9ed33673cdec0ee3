package dev.genapi.core.http;

import com.amazonaws.services.lambda.runtime.Context;
import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Invocation;
import dev.genapi.core.observe.Metric;
import dev.genapi.core.observe.Observation;
import dev.genapi.core.observe.Telemetry;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemException;
import dev.genapi.core.problem.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The edge every API function shares: reads the proxy event, answers a CORS preflight, maps what the action
 * throws to problems (a {@link ProblemException} to its problem, a failed AWS call to a 503 with
 * Retry-After, anything unexpected to a 500 that shows no stack trace), and ends each request with one
 * record: route, status, latency and whatever the work observed.
 */
public final class ApiEndpoint {

    private final Cors cors;
    private final Telemetry telemetry;

    public ApiEndpoint(Cors cors, Telemetry telemetry) {
        this.cors = cors;
        this.telemetry = telemetry;
    }

    /** A stream handler's whole job: event in, response out, one record written. */
    public void serve(InputStream input, OutputStream output, Context context, Function<ApiRequest, ApiResponse> action)
            throws IOException {
        Observation observation = telemetry.begin("request", Invocation.of(context));
        ApiRequest request = ApiRequest.read(input, observation);
        ApiResponse response = cors.preflight(request).orElseGet(() -> cors.apply(request, answer(request, action)));
        observation.set("apiRequestId", request.requestId()).set("route", request.method() + " " + request.resource())
                .set("method", request.method()).set("status", response.statusCode())
                .set("statusClass", response.statusCode() / 100 + "xx")
                .count(Metric.REQUESTS, 1).count(Metric.LATENCY, observation.elapsedMillis());
        telemetry.end(observation);
        response.write(output);
    }

    /** The action's answer, or the problem it ended in. */
    static ApiResponse answer(ApiRequest request, Function<ApiRequest, ApiResponse> action) {
        try {
            return action.apply(request);
        } catch (ProblemException e) {
            return problem(e.problem(), request);
        } catch (SdkException e) {
            Log.warn("an AWS call failed", e, "apiRequestId", request.requestId());
            return problem(Problems.serviceUnavailable(), request);
        } catch (RuntimeException e) {
            Log.error("the request failed unexpectedly", e, "apiRequestId", request.requestId());
            return problem(Problems.internalError(), request);
        }
    }

    private static ApiResponse problem(Problem problem, ApiRequest request) {
        request.observation().set("problemType", problem.slug());
        return ApiResponses.problem(problem, request);
    }

    /** @throws ProblemException 405 with an Allow header unless the request uses {@code method} */
    public static void requireMethod(ApiRequest request, String method) {
        if (!request.method().equals(method)) {
            throw Problems.methodNotAllowed(request.method(), method).toException();
        }
    }
}
