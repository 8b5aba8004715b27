package dev.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every key the config readers accept is documented in {@code docs/configuration.md} as a row of its reference
 * tables ({@code | `upstreams.<name>.pool.max-connections` | ...}), and every such row is a key they accept.
 *
 * <p>How the accepted keys are found: by asking the readers. {@link #PROBE} holds every section and every nested
 * object once (map entries named {@code <name>}, one element per list), each object with an extra key
 * {@code x-probe}. Each reader's {@code Node.object(...)} rejects it with
 * {@code <path>.x-probe: unknown key (expected one of: a, b, c)}: exactly the keys that reader accepts at that
 * path, from the code that enforces them, with no key list copied here. A key added to an existing reader is
 * found without touching this test. What the probe cannot see is an object it does not contain (a new nested
 * section), so a second check scans the readers' sources for every {@code .object("...")} call and fails,
 * naming the call, when the probe did not reach it. Between the two, no accepted key can go unnoticed.
 */
class DocumentedKeysTest {
    private static final Path DOC = Path.of("../docs/configuration.md");
    private static final Path READERS = Path.of("src/main/java/dev/gateway/config/internal");
    private static final String PROBE_KEY = "x-probe";
    private static final Pattern EXPECTED = Pattern.compile("unknown key \\(expected one of: (.*)\\)");
    private static final Pattern OBJECT_CALL = Pattern.compile("\\.object\\(([^)]*)\\)");
    private static final Pattern LITERAL = Pattern.compile("\\s*\"([^\"]*)\"\\s*");
    /** A reference row: the first cell is one backticked key path (no spaces: not an admin call or a flag). */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z<\\[][a-zA-Z0-9<>\\[\\]._-]*)`\\s*\\|");

    /** Every object the readers know, each with the probe key; values only where a reader needs one to go on. */
    private static final String PROBE = """
            x-probe: 1
            node:
              x-probe: 1
              tls:
                x-probe: 1
                listen: 127.0.0.1:8443
                certificates: [{cert: c.pem, key: k.pem, x-probe: 1}]
                hsts: {x-probe: 1}
              admin: {x-probe: 1}
              limits: {x-probe: 1}
              client-address: {x-probe: 1}
              paths: {x-probe: 1}
              http2: {x-probe: 1}
            cluster:
              x-probe: 1
              discovery:
                x-probe: 1
                static: [127.0.0.1:5701]
                multicast: {group: 224.2.2.3, port: 54327, x-probe: 1}
                kubernetes: {service-dns: members.svc, x-probe: 1}
            upstreams:
              "<name>":
                x-probe: 1
                targets: [{url: "http://127.0.0.1:9001", x-probe: 1}]
                pool: {x-probe: 1}
                timeouts: {x-probe: 1}
                health:
                  x-probe: 1
                  active: {path: /health, x-probe: 1}
                  passive: {x-probe: 1}
                tls: {x-probe: 1}
                circuit-breaker: {x-probe: 1}
                retries: {x-probe: 1, backoff: {x-probe: 1}}
                hedging: {after: 200ms, x-probe: 1}
            consumers:
              "<name>": {x-probe: 1}
            auth:
              x-probe: 1
              jwt:
                - {id: j, issuer: i, hs-secret: "0123456789abcdef0123456789abcdef", keys: [{kid: k, pem: p, x-probe: 1}],
                   x-probe: 1}
              api-key: {x-probe: 1}
              introspection: [{id: i, x-probe: 1}]
            rate-limits:
              "<name>": {limit: 1, per: 1s, x-probe: 1}
            routes:
              - id: r
                x-probe: 1
                match: {path: /r, x-probe: 1}
                upstream: "<name>"
                rewrite: {x-probe: 1}
                request: {x-probe: 1}
                response: {x-probe: 1}
                cache: {ttl: 1s, x-probe: 1}
                compression: {types: [text/*], x-probe: 1}
                websocket: {x-probe: 1}
                aggregate:
                  "<name>": {x-probe: 1}
            observability:
              x-probe: 1
              access-log: {x-probe: 1}
              tracing: {x-probe: 1, export: {otlp: "http://127.0.0.1:4318", x-probe: 1, batch: {x-probe: 1}}}
            """;

    @Test
    void everyAcceptedKeyIsDocumented() throws IOException {
        Set<String> documented = documentedKeys();
        List<String> missing = new ArrayList<>();
        acceptedKeys().forEach((key, reader) -> {
            if (!documented.contains(key)) {
                missing.add("`" + key + "` (read by " + reader + ")");
            }
        });
        assertThat(missing)
                .as("keys the config readers accept that %s does not document as a reference row | `key` | ... |", DOC)
                .isEmpty();
    }

    @Test
    void everyDocumentedKeyIsAccepted() throws IOException {
        Set<String> accepted = acceptedKeys().keySet();
        List<String> stale = documentedKeys().stream().filter(k -> !accepted.contains(k)).toList();
        assertThat(stale).as("reference rows of %s for keys no reader accepts", DOC).isEmpty();
    }

    @Test
    void theProbeReachesEveryObjectTheReadersDeclare() throws IOException {
        Set<List<String>> reached = new java.util.HashSet<>(probedObjects().values());
        List<String> unreached = new ArrayList<>();
        for (Map.Entry<List<String>, String> call : declaredObjects().entrySet()) {
            if (!reached.contains(call.getKey())) {
                unreached.add(call.getValue() + ": .object(" + String.join(", ", call.getKey()) + ")");
            }
        }
        assertThat(unreached).as("reader objects the PROBE config of this test does not contain: add them to it").isEmpty();
    }

    /** Full dotted key path (lists as {@code []}, map entries as {@code <name>}) to the reader that accepts it. */
    private static Map<String, String> acceptedKeys() throws IOException {
        Map<List<String>, String> readers = declaredObjects();
        Map<String, String> out = new TreeMap<>();
        probedObjects().forEach((parent, keys) -> {
            String reader = readers.getOrDefault(keys, "ConfigCodec");
            for (String k : keys) {
                out.put(parent.isEmpty() ? k : parent + "." + k, reader);
            }
        });
        return out;
    }

    /** What the readers say each object of {@link #PROBE} may hold: its path to its allowed keys. */
    private static Map<String, List<String>> probedObjects() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigCodec.parse(PROBE, name -> null));
        assertThat(e).as("the probe config must be rejected").isNotNull();
        Map<String, List<String>> out = new TreeMap<>();
        for (ConfigError error : e.errors()) {
            Matcher m = EXPECTED.matcher(error.message());
            String path = error.path();
            if (!m.matches() || !(path.equals(PROBE_KEY) || path.endsWith("." + PROBE_KEY))) {
                continue;
            }
            String parent = path.substring(0, Math.max(0, path.length() - PROBE_KEY.length() - 1));
            out.put(parent.replaceAll("\\[\\d+]", "[]"), List.of(m.group(1).split(", ")));
        }
        assertThat(out).as("objects the probe found (does Node.object still say 'expected one of'?)").hasSizeGreaterThan(30);
        return out;
    }

    /** Every {@code .object("a", "b")} call in the readers: its keys, to the reader that makes it. */
    private static Map<List<String>, String> declaredObjects() throws IOException {
        Map<List<String>, String> out = new java.util.LinkedHashMap<>();
        List<String> unreadable = new ArrayList<>();
        try (Stream<Path> files = Files.list(READERS)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith("Reader.java")).sorted().toList()) {
                String reader = file.getFileName().toString().replace(".java", "");
                Matcher call = OBJECT_CALL.matcher(Files.readString(file));
                while (call.find()) {
                    List<String> keys = new ArrayList<>();
                    for (String arg : call.group(1).split(",")) {
                        Matcher lit = LITERAL.matcher(arg);
                        if (lit.matches()) {
                            keys.add(lit.group(1));
                        } else {
                            unreadable.add(reader + ": .object(" + call.group(1).strip() + ")");
                        }
                    }
                    String other = out.put(List.copyOf(keys), reader);
                    if (other != null) {
                        unreadable.add(reader + ": .object(" + String.join(", ", keys) + ") has the keys of another call in "
                                + other + ", so whether the probe reached both cannot be told");
                    }
                }
            }
        }
        assertThat(unreadable).as("object calls this test cannot check (keys not string literals, or not unique)")
                .isEmpty();
        assertThat(out).as(".object(...) calls in %s", READERS).hasSizeGreaterThan(30);
        return out;
    }

    /** The first cells of the reference rows of the doc. */
    private static Set<String> documentedKeys() throws IOException {
        Set<String> out = new TreeSet<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
