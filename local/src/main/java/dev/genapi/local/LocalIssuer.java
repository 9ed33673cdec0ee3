package dev.genapi.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.genapi.core.encoding.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The local stack's test JWT issuer (local/jwt-issuer.json): development keys, committed on purpose, that
 * nothing deployed trusts. The local stack serves their public half as a JWKS; {@code ./local/token} and
 * the tests mint tokens with them.
 */
public final class LocalIssuer {

    public static final Path FILE = Path.of("local", "jwt-issuer.json");
    /** Where the local stack serves the issuer's public keys. */
    public static final String JWKS_PATH = "/_local/jwks.json";

    private final String issuer;
    private final String audience;
    private final JWKSet keys;

    private LocalIssuer(String issuer, String audience, JWKSet keys) {
        this.issuer = issuer;
        this.audience = audience;
        this.keys = keys;
    }

    public static LocalIssuer load(Path file) {
        try {
            JsonNode document = Json.MAPPER.readTree(Files.readString(file));
            JWKSet keys = JWKSet.parse(Json.write(Json.object().set("keys", document.path("keys"))));
            return new LocalIssuer(document.path("issuer").asText(), document.path("audience").asText(), keys);
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot read the local JWT issuer at " + file.toAbsolutePath(), e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    /** The public keys, as the issuer's JWKS URL serves them. */
    public byte[] jwks() {
        return keys.toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A token for {@code subject}, signed RS256, valid for {@code ttl}. */
    public String mint(String subject, Duration ttl) {
        return sign(claims(subject, ttl).build());
    }

    /** This issuer's claims for {@code subject}, valid for {@code ttl} from now (negative: already expired). */
    public JWTClaimsSet.Builder claims(String subject, Duration ttl) {
        Instant now = Instant.now();
        Instant expiry = now.plus(ttl);
        return new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(subject)
                .issueTime(Date.from(expiry.isBefore(now) ? expiry.minusSeconds(60) : now)).expirationTime(Date.from(expiry));
    }

    /** Signs any claims with the issuer's RSA key (RS256). */
    public String sign(JWTClaimsSet claims) {
        try {
            RSAKey key = (RSAKey) keys.getKeys().stream().filter(k -> k instanceof RSAKey).findFirst().orElseThrow();
            SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            token.sign(new RSASSASigner(key));
            return token.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("the local issuer's key cannot sign", e);
        }
    }

    /** {@code ./local/token [subject]}: prints a one-hour token of the local issuer. */
    public static void main(String[] args) {
        String subject = args.length > 0 ? args[0] : "local-user";
        System.out.println(load(FILE).mint(subject, Duration.ofHours(1)));
    }
}
