package dev.genapi.core.aws;

import dev.genapi.core.observe.Subsegment;
import dev.genapi.core.observe.Tracer;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/** Each SDK call (retries included) as one X-Ray subsegment: service, operation, table or queue, status. */
final class TracingInterceptor implements ExecutionInterceptor {

    private static final ExecutionAttribute<Subsegment> SUBSEGMENT = new ExecutionAttribute<>("genapi.subsegment");

    private final Tracer tracer;

    TracingInterceptor(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Subsegment subsegment = tracer.start(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME), "aws");
        if (subsegment.recording()) {
            subsegment.aws("operation", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                    .aws("region", String.valueOf(attributes.getAttribute(AwsExecutionAttribute.AWS_REGION)))
                    .aws("table_name", context.request().getValueForField("TableName", String.class).orElse(null))
                    .aws("queue_url", context.request().getValueForField("QueueUrl", String.class).orElse(null));
        }
        attributes.putAttribute(SUBSEGMENT, subsegment);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        end(attributes, context.httpResponse(), null);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        end(attributes, context.httpResponse().orElse(null), context.exception());
    }

    private static void end(ExecutionAttributes attributes, SdkHttpResponse response, Throwable error) {
        Subsegment subsegment = attributes.getAttribute(SUBSEGMENT);
        if (subsegment == null || !subsegment.recording()) {
            return;
        }
        if (response != null) {
            subsegment.httpStatus(response.statusCode())
                    .aws("request_id", response.firstMatchingHeader("x-amzn-RequestId").orElse(null));
        }
        if (error != null) {
            subsegment.failed(error);
        }
        subsegment.end();
    }
}
