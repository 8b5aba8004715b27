package dev.gateway.config.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.config.ConfigCodec;
import dev.gateway.config.ConfigException;
import dev.gateway.config.SharedConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The last config version a node applied, kept on its disk ({@code <state-dir>/last-applied.json}) so that a
 * node restarted while the whole cluster was down comes back with it. Beside it, the hash of the config file
 * the node was started with, so that a restart can tell an edited file (the operator's newer intent) from an
 * unchanged one (which what was published since supersedes). Written to a temporary file and moved
 * into place, so a crash mid-write leaves the previous file whole. Not thread-safe: one writer per node.
 */
public final class LastAppliedFile {
    static final String FILE_NAME = "last-applied.json";
    private final ObjectMapper json = new ObjectMapper();
    private final Path file;

    public LastAppliedFile(Path stateDir) {
        this.file = stateDir.resolve(FILE_NAME);
    }

    public Path path() {
        return file;
    }

    /** What was stored: the version, and the hash of the node's config file then (null when unknown). */
    public record Stored(ConfigVersion version, String fileSha256) {
    }

    /** Replaces the stored version with {@code version}; {@code fileSha256} may be null. */
    public void save(ConfigVersion version, String fileSha256) throws IOException {
        Files.createDirectories(file.getParent());
        ObjectNode out = json.createObjectNode();
        out.put("version", version.version());
        out.put("sha256", version.sha256());
        out.put("published_by", version.publishedBy());
        out.put("published_at", version.publishedAtMillis());
        if (fileSha256 != null) {
            out.put("file_sha256", fileSha256);
        }
        out.put("config", version.text());
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The stored version, empty when there is none.
     *
     * @throws IOException when the file exists but cannot be read, does not parse, or its config does not match
     *                     its hash; the message says which
     */
    public Optional<Stored> load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        JsonNode in;
        try {
            in = json.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (in == null || !in.path("version").canConvertToLong() || !in.path("sha256").isTextual()
                || !in.path("config").isTextual()) {
            throw new IOException(file + ": expected version, sha256 and config fields");
        }
        SharedConfig shared;
        try {
            shared = ConfigCodec.parseShared(in.get("config").asText(), name -> null);
        } catch (ConfigException e) {
            throw new IOException(file + ": the stored config does not parse: " + e.errors(), e);
        }
        String sha = ConfigCodec.sha256(shared);
        if (!sha.equals(in.get("sha256").asText())) {
            throw new IOException(file + ": the stored config does not match its sha256");
        }
        try {
            ConfigVersion version = new ConfigVersion(in.get("version").asLong(), sha, ConfigCodec.toYaml(shared),
                    in.path("published_by").asText("unknown"), in.path("published_at").asLong(0));
            return Optional.of(new Stored(version, in.path("file_sha256").isTextual()
                    ? in.get("file_sha256").asText() : null));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
