package dev.genapi.core.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a delivery is signed, and how a receiver checks it: {@code Genapi-Signature: v1=<hex HMAC-SHA256 of
 * "<timestamp>.<body>">}, keyed with the caller's webhook secret, beside {@code Genapi-Timestamp} (Unix
 * seconds) and {@code Genapi-Webhook-Id} (the same for every retry of one delivery). Signing the timestamp
 * lets a receiver refuse replays: it rejects a timestamp more than {@link #TOLERANCE_SECONDS} from its clock.
 */
public final class WebhookSignature {

    public static final String ID_HEADER = "Genapi-Webhook-Id";
    public static final String TIMESTAMP_HEADER = "Genapi-Timestamp";
    public static final String SIGNATURE_HEADER = "Genapi-Signature";
    public static final long TOLERANCE_SECONDS = 300;

    private WebhookSignature() {
    }

    /** The {@value #SIGNATURE_HEADER} header's value. */
    public static String sign(String secret, long timestampSeconds, byte[] body) {
        return "v1=" + HexFormat.of().formatHex(hmac(secret, timestampSeconds, body));
    }

    /** Whether the header is the body's signature at that time, and the time is within the tolerance of now. */
    public static boolean verify(String secret, String signatureHeader, long timestampSeconds, byte[] body,
                                 long nowSeconds) {
        if (signatureHeader == null || !signatureHeader.startsWith("v1=")
                || Math.abs(nowSeconds - timestampSeconds) > TOLERANCE_SECONDS) {
            return false;
        }
        byte[] expected = hmac(secret, timestampSeconds, body);
        try {
            return MessageDigest.isEqual(expected, HexFormat.of().parseHex(signatureHeader.substring(3)));
        } catch (IllegalArgumentException notHex) {
            return false;
        }
    }

    static byte[] hmac(String secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
