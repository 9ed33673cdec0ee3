package dev.genapi.local.api;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Lambda context of one local invocation, with the function's declared timeout as its deadline and a
 * trace id of its own (not sampled: there is no X-Ray daemon locally), so local records carry one as deployed
 * ones do.
 */
public final class LocalContext implements Context {

    private final String requestId;
    private final String functionName;
    private final long deadlineMillis;
    private final String traceHeader = newTraceHeader();

    public LocalContext(String requestId, String functionName, int timeoutSeconds) {
        this.requestId = requestId;
        this.functionName = functionName;
        this.deadlineMillis = System.currentTimeMillis() + timeoutSeconds * 1000L;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getXrayTraceId() {
        return traceHeader;
    }

    /** X-Ray's format: {@code 1-<epoch seconds, hex>-<96 random bits, hex>}, and a segment id. */
    private static String newTraceHeader() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("Root=1-%08x-%08x%016x;Parent=%016x;Sampled=0", System.currentTimeMillis() / 1000,
                random.nextInt(), random.nextLong(), random.nextLong());
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.print(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.print(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
