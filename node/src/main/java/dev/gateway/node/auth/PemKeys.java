package dev.gateway.node.auth;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads the public keys of {@code auth.jwt[].keys[].pem}: SubjectPublicKeyInfo PEM or an X.509 certificate. */
final class PemKeys {
    private static final String[] KEY_TYPES = {"RSA", "EC", "EdDSA"};

    private PemKeys() {
    }

    /** @throws IllegalArgumentException with a message fit for a config error */
    static PublicKey parse(String pem) {
        if (pem.contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException("a private key (expected: the public key or certificate; never put "
                    + "the private key in the gateway config)");
        }
        if (pem.contains("-----BEGIN CERTIFICATE-----")) {
            try {
                return CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                        .getPublicKey();
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IllegalArgumentException("not a readable X.509 certificate (" + e.getMessage() + ")");
            }
        }
        if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
            throw new IllegalArgumentException("unsupported PEM (expected: -----BEGIN PUBLIC KEY----- or "
                    + "-----BEGIN CERTIFICATE-----; convert PKCS#1 keys with 'openssl rsa -pubin -RSAPublicKey_in')");
        }
        byte[] der;
        try {
            String body = pem.substring(pem.indexOf("-----BEGIN PUBLIC KEY-----") + 26);
            int end = body.indexOf("-----END PUBLIC KEY-----");
            if (end < 0) {
                throw new IllegalArgumentException("no -----END PUBLIC KEY----- line");
            }
            der = Base64.getMimeDecoder().decode(body.substring(0, end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a readable PEM public key (" + e.getMessage() + ")");
        }
        for (String type : KEY_TYPES) {
            try {
                return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next type
            }
        }
        throw new IllegalArgumentException("not an RSA, EC or EdDSA public key");
    }

    /** A short description for error messages: "RSA 2048", "EC P-256", "Ed25519". */
    static String describe(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return "EC " + ec.getParams().getCurve().getField().getFieldSize() + "-bit";
        }
        if (key instanceof EdECPublicKey ed) {
            return ed.getParams().getName();
        }
        return key.getAlgorithm();
    }
}
