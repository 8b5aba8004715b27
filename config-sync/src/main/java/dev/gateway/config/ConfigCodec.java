package dev.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.config.internal.ConfigWriter;
import dev.gateway.config.internal.Documents;
import dev.gateway.config.internal.EnvSubstitution;
import dev.gateway.config.internal.Errors;
import dev.gateway.config.internal.Node;
import dev.gateway.config.internal.NodeSectionReader;
import dev.gateway.config.internal.SharedReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * Reads and writes config documents. Parsing is strict and collects every error with its path (unknown keys,
 * wrong types, bad values, missing required keys, undefined references) before failing; {@code ${NAME}} and
 * {@code ${NAME:-default}} in string values are read from {@code env} ({@code $${} is a literal {@code ${}).
 * A document whose first non-blank character is {@code {} is read as JSON, anything else as YAML.
 * Writing gives the canonical form: defaults filled in, kebab-case keys, config syntax for values, null
 * values and empty lists omitted; parsing it gives an equal record. Stateless and thread-safe.
 */
public final class ConfigCodec {
    private static final List<String> ROOT_KEYS;

    static {
        List<String> keys = new ArrayList<>(List.of("node", "cluster"));
        keys.addAll(SharedReader.SECTIONS);
        ROOT_KEYS = List.copyOf(keys);
    }

    private ConfigCodec() {
    }

    /** Parses a whole config file. */
    public static GatewayConfig parse(String text, Function<String, String> env) throws ConfigException {
        Errors errors = new Errors();
        Node root = root(text, env, errors, ROOT_KEYS);
        if (root == null) {
            throw new ConfigException(errors.list());
        }
        NodeSettings node = NodeSectionReader.node(root.at("node"));
        ClusterSettings cluster = NodeSectionReader.cluster(root.at("cluster"));
        SharedConfig shared = SharedReader.shared(root);
        if (!errors.isEmpty() || node == null || shared == null) {
            throw new ConfigException(errors.isEmpty() ? List.of(new ConfigError("", "invalid config")) : errors.list());
        }
        return new GatewayConfig(node, cluster, shared);
    }

    /** Parses a document that holds only the shared sections (as the admin API receives); node: and cluster: are errors. */
    public static SharedConfig parseShared(String text, Function<String, String> env) throws ConfigException {
        Errors errors = new Errors();
        Node root = root(text, env, errors, SharedReader.SECTIONS);
        if (root == null) {
            throw new ConfigException(errors.list());
        }
        SharedConfig shared = SharedReader.shared(root);
        if (!errors.isEmpty() || shared == null) {
            throw new ConfigException(errors.isEmpty() ? List.of(new ConfigError("", "invalid config")) : errors.list());
        }
        return shared;
    }

    public static String toYaml(GatewayConfig config) {
        return Documents.yaml(ConfigWriter.tree(config));
    }

    /** Compact JSON, one line. */
    public static String toJson(GatewayConfig config) {
        return Documents.json(ConfigWriter.tree(config));
    }

    public static String toYaml(SharedConfig config) {
        return Documents.yaml(ConfigWriter.tree(config));
    }

    /** Compact JSON, one line; the input of {@link #sha256(SharedConfig)}. */
    public static String toJson(SharedConfig config) {
        return Documents.json(ConfigWriter.tree(config));
    }

    /** Lower-case hex SHA-256 of {@link #toJson(SharedConfig)} in UTF-8: equal configs have equal hashes. */
    public static String sha256(SharedConfig config) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(toJson(config).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Node root(String text, Function<String, String> env, Errors errors, List<String> keys) {
        JsonNode tree = Documents.read(text, errors);
        if (tree == null) {
            return null;
        }
        if (!tree.isObject()) {
            errors.add("", "the document is not a mapping (expected keys: " + String.join(", ", keys) + ")");
            return null;
        }
        EnvSubstitution.apply(tree, "", env, errors);
        Node root = new Node(tree, "", errors);
        root.object(keys.toArray(String[]::new));
        return root;
    }
}
