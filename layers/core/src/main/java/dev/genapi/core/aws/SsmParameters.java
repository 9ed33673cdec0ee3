package dev.genapi.core.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * SSM Parameter Store's {@code GetParameter}, the one SSM call genapi makes (once per container): AWS JSON 1.1,
 * signed by the SDK's own SigV4 signer (the CoreLayer carries it for DynamoDB and SQS) and sent by the JDK's
 * HttpURLConnection. The SDK's ssm module would add 5.95 MB to the ModelLayer and about 270 classes and
 * 60–130 ms to a cold start (docs/BENCHMARKS.md). Throttling, 5xx answers and I/O failures are tried again,
 * {@value #ATTEMPTS} times in all.
 */
public final class SsmParameters {

    static final int ATTEMPTS = 3;

    /** SSM refused or failed the call; {@code type} is its error code, for example {@code ParameterNotFound}. */
    public static final class SsmException extends RuntimeException {
        private final String type;

        SsmException(String type, String message, Throwable cause) {
            super(type + ": " + message, cause);
            this.type = type;
        }

        public String type() {
            return type;
        }
    }

    private final URI endpoint;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final Duration timeout;

    SsmParameters(URI endpoint, String region, AwsCredentialsProvider credentials, Duration timeout) {
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
        this.timeout = timeout;
    }

    /** The region's SSM endpoint (or the emulator's), with the credentials every genapi client has. */
    public static SsmParameters from(Env env) {
        String region = env.require("AWS_REGION");
        URI endpoint = AwsClients.endpointOverride("SSM", env).orElseGet(() -> URI.create("https://ssm." + region
                + (region.startsWith("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com")));
        return new SsmParameters(endpoint, region, AwsClients.credentials("SSM", env), Duration.ofSeconds(5));
    }

    /**
     * The parameter's value, decrypted when it is a SecureString.
     *
     * @throws SsmException when SSM refuses it (for example {@code ParameterNotFound}, {@code AccessDeniedException})
     *                      or still fails after {@value #ATTEMPTS} attempts
     */
    public String decrypted(String name) {
        String body = Json.write(Json.object().put("Name", name).put("WithDecryption", true));
        for (int attempt = 1; ; attempt++) {
            try {
                return call(body).path("Parameter").path("Value").asText();
            } catch (TransientFailure e) {
                if (attempt == ATTEMPTS) {
                    throw new SsmException(e.type, e.getMessage() + " (" + ATTEMPTS + " attempts)", e.getCause());
                }
                pause(Duration.ofMillis(100L << (2 * (attempt - 1)))); // 100 ms, then 400 ms
            }
        }
    }

    private JsonNode call(String body) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AmazonSSM.GetParameter").build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials.resolveCredentials())
                .request(request).payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "ssm")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint.toURL().openConnection();
            connection.setConnectTimeout((int) Duration.ofSeconds(2).toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setInstanceFollowRedirects(false);
            connection.setRequestMethod("POST");
            for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
                connection.setRequestProperty(header.getKey(), String.join(",", header.getValue()));
            }
            connection.setDoOutput(true);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
            int status = connection.getResponseCode();
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                JsonNode answer = in == null ? Json.object() : Json.MAPPER.readTree(in.readNBytes(1 << 20));
                if (status == 200) {
                    return answer;
                }
                throw failure(status, answer);
            }
        } catch (IOException e) {
            throw new TransientFailure("Unreachable", "SSM at " + endpoint + " did not answer: " + e, e);
        }
    }

    /** SSM's error: {@code __type} (sometimes namespaced, "...#ParameterNotFound") and its message. */
    /**
     * A SecureString that a setting names, for a start-up that needs it: its trimmed value.
     *
     * @param variable the setting that names it, for the message
     * @throws ConfigurationException when it is missing, empty or unreadable, saying how to create it
     */
    public String secureString(String name, String variable) {
        try {
            String value = decrypted(name);
            if (value == null || value.isBlank()) {
                throw new ConfigurationException("SSM parameter " + name + " (" + variable + ") is empty");
            }
            return value.trim();
        } catch (SsmException e) {
            if (e.type().equals("ParameterNotFound")) {
                throw new ConfigurationException("SSM parameter " + name + " (" + variable + ") does not exist; "
                        + "create it: aws ssm put-parameter --type SecureString --name " + name + " --value <value>", e);
            }
            throw new ConfigurationException("cannot read SSM parameter " + name + " (" + variable + "): "
                    + e.getMessage(), e);
        }
    }

    private static RuntimeException failure(int status, JsonNode answer) {
        String type = answer.path("__type").asText("HTTP " + status);
        type = type.substring(type.lastIndexOf('#') + 1);
        String message = answer.has("message") ? answer.path("message").asText() : answer.path("Message").asText("");
        if (status >= 500 || status == 429 || type.equals("ThrottlingException")) {
            return new TransientFailure(type, message, null);
        }
        return new SsmException(type, message, null);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SsmException("Interrupted", "interrupted while waiting to read SSM again", e);
        }
    }

    /** A failure worth another attempt. */
    private static final class TransientFailure extends RuntimeException {
        private final String type;

        TransientFailure(String type, String message, Throwable cause) {
            super(message, cause);
            this.type = type;
        }
    }
}
