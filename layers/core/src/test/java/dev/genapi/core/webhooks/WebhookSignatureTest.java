package dev.genapi.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genapi.core.config.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    static final byte[] BODY = "{\"id\":\"job_1\",\"status\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSignatureIsTheHmacOfTimestampDotBody() {
        // Computed independently: printf '1700000000.{"id":"job_1","status":"SUCCEEDED"}' | openssl dgst -sha256 -hmac whsec_test
        assertThat(WebhookSignature.sign("whsec_test", 1_700_000_000L, BODY))
                .isEqualTo("v1=4ffc49bbac8e37b329170f0c5d7f447e3ebc9055f0eae2c3cdc308f1df349aff");
    }

    @Test
    void verifyTakesTheRightSignatureWithinTheToleranceAndNothingElse() {
        long at = 1_700_000_000L;
        String signature = WebhookSignature.sign("whsec_a", at, BODY);
        assertThat(WebhookSignature.verify("whsec_a", signature, at, BODY, at + 299)).isTrue();
        assertThat(WebhookSignature.verify("whsec_a", signature, at, BODY, at + 301)).as("too old").isFalse();
        assertThat(WebhookSignature.verify("whsec_a", signature, at, BODY, at - 301)).as("from the future").isFalse();
        assertThat(WebhookSignature.verify("whsec_b", signature, at, BODY, at)).as("another secret").isFalse();
        assertThat(WebhookSignature.verify("whsec_a", signature, at + 1, BODY, at)).as("another timestamp").isFalse();
        assertThat(WebhookSignature.verify("whsec_a", signature, at, "{}".getBytes(StandardCharsets.UTF_8), at)).isFalse();
        assertThat(WebhookSignature.verify("whsec_a", "v1=zz", at, BODY, at)).isFalse();
        assertThat(WebhookSignature.verify("whsec_a", null, at, BODY, at)).isFalse();
    }

    @Test
    void eachScopeHasItsOwnSecretDerivedFromTheDeploymentOne() {
        WebhookSecrets secrets = new WebhookSecrets("x".repeat(32));
        String a = secrets.forScope(Optional.of("apikey:a"));
        assertThat(a).matches("whsec_[0-9a-f]{64}").isEqualTo(secrets.forScope(Optional.of("apikey:a")));
        assertThat(secrets.forScope(Optional.of("apikey:b"))).isNotEqualTo(a);
        assertThat(secrets.forScope(Optional.empty())).isEqualTo(secrets.forScope(Optional.of(WebhookSecrets.PRODUCER_SCOPE)));
        assertThat(new WebhookSecrets("y".repeat(32)).forScope(Optional.of("apikey:a"))).as("rotated").isNotEqualTo(a);
        assertThatThrownBy(() -> new WebhookSecrets("short")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void aNoticeReadsBackAndAnythingElseIsMalformed() {
        WebhookNotice notice = new WebhookNotice(WebhookNotice.Kind.BATCH, "batch_1", 2);
        assertThat(WebhookNotice.parse(notice.toJson())).contains(notice);
        assertThat(notice.deliveryId()).isEqualTo("batch_1.2");
        for (String body : new String[] {"", "{}", "[]", "{\"kind\":\"job\",\"id\":\"j\",\"round\":0}",
                "{\"kind\":\"other\",\"id\":\"j\",\"round\":1}", "{\"kind\":\"job\",\"round\":1}", "not json"}) {
            assertThat(WebhookNotice.parse(body)).as(body).isEmpty();
        }
    }
}
