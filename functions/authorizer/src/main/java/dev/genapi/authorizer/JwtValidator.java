package dev.genapi.authorizer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.Set;

/**
 * Validates bearer JWTs with nimbus-jose-jwt (no hand-written crypto): signed RS256 or ES256 by a key of the
 * issuer's JWKS (fetched once, cached, refreshed on an unknown key id), from the configured issuer, for the
 * configured audience, with a subject, and within its validity (30 s of clock skew). Unsigned tokens
 * ({@code alg: none}) and every other algorithm are refused.
 */
final class JwtValidator {

    /** A token that is not valid for this API: API Gateway answers 401. Its message is a reason, never token text. */
    static final class InvalidTokenException extends Exception {
        InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }

    static final int CLOCK_SKEW_SECONDS = 30;
    static final int JWKS_TIMEOUT_MILLIS = 2_000;

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String issuer;
    private final String audience;

    JwtValidator(String issuer, String audience, String jwksUrl) {
        this.issuer = issuer;
        this.audience = audience;
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(URI.create(jwksUrl).toURL(),
                    new DefaultResourceRetriever(JWKS_TIMEOUT_MILLIS, JWKS_TIMEOUT_MILLIS, 50 * 1024)).build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new ConfigurationException("the JWKS URL '" + jwksUrl + "' is not a URL", e);
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(audience),
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iss", "aud"), null);
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** From JWT_ISSUER, JWT_AUDIENCE and JWKS_URL (default: the issuer's /.well-known/jwks.json). */
    static JwtValidator from(Env env) {
        String issuer = env.require("JWT_ISSUER");
        String audience = env.require("JWT_AUDIENCE");
        String jwks = env.get("JWKS_URL", issuer.replaceAll("/+$", "") + "/.well-known/jwks.json");
        return new JwtValidator(issuer, audience, jwks);
    }

    /**
     * @throws InvalidTokenException when the token is not one this API accepts
     * @throws JOSEException         when the issuer's keys could not be fetched (the token is not judged)
     */
    JWTClaimsSet validate(String token) throws InvalidTokenException, JOSEException {
        try {
            return processor.process(token, null);
        } catch (ParseException e) {
            throw new InvalidTokenException("not a JWT");
        } catch (ExpiredJWTException e) {
            throw new InvalidTokenException("expired");
        } catch (BadJWSException e) {
            throw new InvalidTokenException("bad signature");
        } catch (BadJWTException e) {
            throw new InvalidTokenException("claims not accepted"); // nimbus's words quote claim values
        } catch (BadJOSEException e) {
            throw new InvalidTokenException("unsigned, or no key for its algorithm");
        }
    }

    String issuer() {
        return issuer;
    }

    String audience() {
        return audience;
    }
}
