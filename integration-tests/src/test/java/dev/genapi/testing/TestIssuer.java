package dev.genapi.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID issuer made in the test: RSA and EC keys generated here, their JWKS served on loopback, and
 * tokens minted on demand, good or bad in every way a token can be.
 */
public final class TestIssuer implements AutoCloseable {

    public static final String AUDIENCE = "genapi-test";

    private final RSAKey rsa;
    private final ECKey ec;
    private final HttpServer server;
    private final AtomicInteger jwksFetches = new AtomicInteger();

    private TestIssuer(RSAKey rsa, ECKey ec, HttpServer server) {
        this.rsa = rsa;
        this.ec = ec;
        this.server = server;
    }

    public static TestIssuer start() {
        try {
            RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
            ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate();
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
            TestIssuer issuer = new TestIssuer(rsa, ec, server);
            byte[] jwks = new JWKSet(List.of(rsa, ec)).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/.well-known/jwks.json", exchange -> {
                issuer.jwksFetches.incrementAndGet();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                exchange.getResponseBody().write(jwks);
                exchange.close();
            });
            server.start();
            return issuer;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The issuer id (iss); its JWKS is at {@code <issuer>/.well-known/jwks.json}. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int jwksFetches() {
        return jwksFetches.get();
    }

    public JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer()).audience(AUDIENCE).subject(subject)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(10))));
    }

    public String rs256(JWTClaimsSet claims) {
        return sign(JWSAlgorithm.RS256, rsa.getKeyID(), claims, signer(() -> new RSASSASigner(rsa)));
    }

    public String es256(JWTClaimsSet claims) {
        return sign(JWSAlgorithm.ES256, ec.getKeyID(), claims, signer(() -> new ECDSASigner(ec)));
    }

    /** Claims as this issuer's, signed by another key that claims this issuer's key id. */
    public String forged(JWTClaimsSet claims) {
        try {
            RSAKey impostor = new RSAKeyGenerator(2048).keyID(rsa.getKeyID()).generate();
            return sign(JWSAlgorithm.RS256, rsa.getKeyID(), claims, new RSASSASigner(impostor));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token signed with a shared secret (HS256), which no JWKS-checking API may accept. */
    public String hs256(JWTClaimsSet claims) {
        return sign(JWSAlgorithm.HS256, null, claims, signer(() -> new MACSigner("a-secret-of-at-least-32-bytes-long!!")));
    }

    /** An unsigned token: {@code alg: none}. */
    public static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    private interface SignerFactory {
        JWSSigner create() throws Exception;
    }

    private static JWSSigner signer(SignerFactory factory) {
        try {
            return factory.create();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSAlgorithm algorithm, String keyId, JWTClaimsSet claims, JWSSigner signer) {
        try {
            SignedJWT token = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).type(JOSEObjectType.JWT).build(), claims);
            token.sign(signer);
            return token.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
