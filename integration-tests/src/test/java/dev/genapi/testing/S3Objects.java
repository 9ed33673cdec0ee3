package dev.genapi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * S3 objects over plain HTTP, path-style and SigV4-signed as an SDK would sign them (the build's AWS SDK
 * version has no S3 client module): enough to put and read batch files on an emulator or LocalStack.
 */
public final class S3Objects {

    private static final Set<String> SET_BY_HTTP_CLIENT = Set.of("host", "content-length");

    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    public S3Objects(URI endpoint) {
        this.endpoint = endpoint;
    }

    public HttpResponse<byte[]> createBucket(String bucket) {
        return send(SdkHttpMethod.PUT, "/" + bucket, new byte[0]);
    }

    public HttpResponse<byte[]> put(String bucket, String key, byte[] body) {
        return send(SdkHttpMethod.PUT, "/" + bucket + "/" + key, body);
    }

    public HttpResponse<byte[]> get(String bucket, String key) {
        return send(SdkHttpMethod.GET, "/" + bucket + "/" + key, new byte[0]);
    }

    private HttpResponse<byte[]> send(SdkHttpMethod method, String path, byte[] body) {
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(method).uri(endpoint.resolve(path)).build();
        SignedRequest signed = signer.sign(r -> r.identity(AwsCredentialsIdentity.create("local", "local"))
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        HttpRequest.Builder request = HttpRequest.newBuilder(signed.request().getUri())
                .method(method.name(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((name, values) -> {
            if (!SET_BY_HTTP_CLIENT.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
