package dev.genapi.core.observe;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.Optional;

/**
 * The Lambda invocation a unit of work belongs to: Lambda's request id and, when the function is traced,
 * the X-Ray trace header (from the context, or else the property the Java runtime sets per invocation).
 */
public record Invocation(String requestId, Optional<TraceHeader> trace) {

    public static Invocation of(Context context) {
        if (context == null) {
            return new Invocation("unknown", TraceHeader.current());
        }
        String header = context.getXrayTraceId();
        return new Invocation(context.getAwsRequestId(),
                header == null ? TraceHeader.current() : TraceHeader.parse(header));
    }
}
