package dev.genapi.core.webhooks;

import dev.genapi.core.aws.SsmParameters;
import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import dev.genapi.core.config.Once;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Each caller's webhook secret, derived from one deployment secret (an SSM SecureString named by
 * {@code WEBHOOK_SECRET_PARAMETER}; locally {@code WEBHOOK_SECRET}): {@code whsec_<hex HMAC-SHA256(deployment
 * secret, "genapi-webhook|" + caller scope)>}. Nothing is stored per caller, a caller's secret signs only its
 * own deliveries, so one receiver cannot forge another's, and rotating the deployment secret rotates them
 * all. A job a producer queued without a caller is signed with the secret of the scope {@code producer}.
 */
public final class WebhookSecrets {

    public static final String PRODUCER_SCOPE = "producer";

    private final byte[] deploymentSecret;

    public WebhookSecrets(String deploymentSecret) {
        if (deploymentSecret == null || deploymentSecret.length() < 32) {
            throw new ConfigurationException("the webhook deployment secret must be at least 32 characters");
        }
        this.deploymentSecret = deploymentSecret.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the deployment secret now (from SSM when WEBHOOK_SECRET_PARAMETER is set). */
    public static WebhookSecrets from(Env env, Supplier<SsmParameters> ssm) {
        return lazily(env, ssm).get();
    }

    /**
     * Where the deployment secret is, decided now; the secret itself read on the first {@code get()}, once.
     *
     * @throws ConfigurationException now, when neither WEBHOOK_SECRET_PARAMETER nor WEBHOOK_SECRET is set
     */
    public static Supplier<WebhookSecrets> lazily(Env env, Supplier<SsmParameters> ssm) {
        if (env.isSet("WEBHOOK_SECRET_PARAMETER")) {
            String name = env.require("WEBHOOK_SECRET_PARAMETER");
            return Once.of(() -> new WebhookSecrets(ssm.get().secureString(name, "WEBHOOK_SECRET_PARAMETER")));
        }
        if (env.isSet("WEBHOOK_SECRET")) {
            String secret = env.require("WEBHOOK_SECRET");
            return Once.of(() -> new WebhookSecrets(secret));
        }
        throw new ConfigurationException("no webhook secret: set WEBHOOK_SECRET_PARAMETER (an SSM SecureString name) "
                + "or WEBHOOK_SECRET");
    }

    /** The secret that signs deliveries of jobs and batches owned by {@code scope} (empty: a producer's). */
    public String forScope(Optional<String> scope) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(deploymentSecret, "HmacSHA256"));
            byte[] derived = mac.doFinal(("genapi-webhook|" + scope.orElse(PRODUCER_SCOPE)).getBytes(StandardCharsets.UTF_8));
            return "whsec_" + HexFormat.of().formatHex(derived);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
