package dev.gateway.node.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of {@code node.tls.certificates}: a certificate chain (leaf first) and an
 * unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}), RSA or EC. Every failure is an
 * {@link IOException} whose message starts with the file's path and says what is wrong with it.
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** Key algorithms a certificate may carry, in the order PKCS#8 keys are tried. */
    static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC");

    private PemFiles() {
    }

    /** The certificates of {@code file} in file order: the leaf first, then its issuers. */
    static List<X509Certificate> certificates(Path file) throws IOException {
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Block block : blocks(file)) {
            if (!block.type().equals("CERTIFICATE")) {
                continue; // a key or parameters in the same file: not ours to read here
            }
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der(file))));
            } catch (CertificateException e) {
                throw new IOException(file + ": certificate " + (chain.size() + 1) + " is not a valid X.509 certificate ("
                        + e.getMessage() + ")", e);
            }
        }
        if (chain.isEmpty()) {
            throw new IOException(file + ": no PEM certificate (expected: -----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    /** The one private key of {@code file}. */
    static PrivateKey privateKey(Path file) throws IOException {
        Block key = null;
        for (Block block : blocks(file)) {
            switch (block.type()) {
                case "PRIVATE KEY" -> {
                    if (key != null) {
                        throw new IOException(file + ": more than one private key (expected: one)");
                    }
                    key = block;
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new IOException(file + ": '" + block.type()
                        + "' is not PKCS#8 (expected: -----BEGIN PRIVATE KEY-----; convert it with"
                        + " openssl pkcs8 -topk8 -nocrypt -in " + file + ")");
                case "ENCRYPTED PRIVATE KEY" -> throw new IOException(file
                        + ": the private key is encrypted (expected: an unencrypted PKCS#8 key, -----BEGIN PRIVATE KEY-----)");
                default -> {
                    // certificates beside the key are allowed
                }
            }
        }
        if (key == null) {
            throw new IOException(file + ": no PEM private key (expected: -----BEGIN PRIVATE KEY-----)");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(key.der(file));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm: try the next one
            }
        }
        throw new IOException(file + ": not a readable RSA or EC private key (expected: PKCS#8, RSA or EC)");
    }

    private record Block(String type, String base64) {
        byte[] der(Path file) throws IOException {
            try {
                return Base64.getDecoder().decode(base64.replaceAll("\\s+", ""));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": the " + type + " block is not valid base64", e);
            }
        }
    }

    private static List<Block> blocks(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(new Block(m.group(1), m.group(2)));
        }
        if (blocks.isEmpty()) {
            throw new IOException(file + ": not a PEM file (no -----BEGIN ...----- block)");
        }
        return blocks;
    }
}
