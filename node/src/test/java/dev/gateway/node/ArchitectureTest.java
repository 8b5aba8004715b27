package dev.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md's dependency rules, checked on the source tree: Hazelcast only in {@code cluster},
 * Grizzly only in the node's server and upstream-client packages, and {@code limiter} and
 * {@code config-sync} free of Hazelcast, Grizzly and jjwt. Imports and fully-qualified names in
 * code count; comments and string literals do not.
 */
class ArchitectureTest {
    private static final Path LIMITER = Path.of("../limiter/src/main/java");
    private static final Path CONFIG_SYNC = Path.of("../config-sync/src/main/java");
    private static final Path CLUSTER = Path.of("../cluster/src/main/java");
    private static final Path NODE = Path.of("src/main/java");

    private static final String HAZELCAST = "com.hazelcast";
    private static final String GRIZZLY = "org.glassfish.grizzly";
    private static final String JJWT = "io.jsonwebtoken";
    private static final String OPENTELEMETRY = "io.opentelemetry";

    @Test
    void theSourceTreesAreWhereTheTestLooks() {
        assertThat(sources(NODE)).hasSizeGreaterThan(20)
                .anyMatch(s -> s.pkg().equals("dev.gateway.node.upstream.grizzly"));
        assertThat(sources(CONFIG_SYNC)).hasSizeGreaterThan(20);
        assertThat(sources(LIMITER)).isNotEmpty();
        assertThat(sources(CLUSTER)).isNotEmpty();
    }

    @Test
    void hazelcastOnlyInCluster() {
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(LIMITER, CONFIG_SYNC, NODE)) {
            offenders.addAll(violations(sources(root), HAZELCAST, s -> false));
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void grizzlyOnlyInTheNodesServerAndUpstreamClientPackages() {
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(LIMITER, CONFIG_SYNC, CLUSTER)) {
            offenders.addAll(violations(sources(root), GRIZZLY, s -> false));
        }
        offenders.addAll(violations(sources(NODE), GRIZZLY, ArchitectureTest::mayUseGrizzly));
        assertThat(offenders).isEmpty();
    }

    /** The pipeline sees the small tracing port; the OpenTelemetry SDK stays behind it. */
    @Test
    void openTelemetryOnlyBehindTheTracingPort() {
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(LIMITER, CONFIG_SYNC, CLUSTER)) {
            offenders.addAll(violations(sources(root), OPENTELEMETRY, s -> false));
        }
        offenders.addAll(violations(sources(NODE), OPENTELEMETRY,
                s -> s.pkg().equals("dev.gateway.node.observability.tracing.otel")));
        assertThat(offenders).isEmpty();
    }

    @Test
    void limiterAndConfigSyncArePureJava() {
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(LIMITER, CONFIG_SYNC)) {
            for (String library : List.of(HAZELCAST, GRIZZLY, JJWT)) {
                offenders.addAll(violations(sources(root), library, s -> false));
            }
        }
        assertThat(offenders).isEmpty();
    }

    /** The checks above would see a violation: they are not vacuous. */
    @Test
    void theScannerFindsImportsAndQualifiedNamesButNotCommentsOrStrings() {
        Source importing = Source.parse(Path.of("A.java"), """
                package dev.gateway.node.pipeline;
                import org.glassfish.grizzly.Buffer;
                class A {}
                """);
        Source qualified = Source.parse(Path.of("B.java"), """
                package dev.gateway.node.routing;
                class B { Object o = com.hazelcast.core.Hazelcast.class; }
                """);
        Source staticImport = Source.parse(Path.of("C.java"), """
                package dev.gateway.config;
                import static io.jsonwebtoken.Jwts.parser;
                class C {}
                """);
        Source harmless = Source.parse(Path.of("D.java"), """
                package dev.gateway.node.pipeline;
                /** Unlike org.glassfish.grizzly.Buffer, this is ours. A path: "text/*" */
                class D { String s = "com.hazelcast.x // org.glassfish.grizzly"; char c = '"'; } // io.jsonwebtoken
                """);
        Source serverSide = Source.parse(Path.of("E.java"), """
                package dev.gateway.node.server.demo;
                import org.glassfish.grizzly.http.server.HttpServer;
                class E {}
                """);

        assertThat(violations(List.of(importing), GRIZZLY, ArchitectureTest::mayUseGrizzly)).hasSize(1);
        assertThat(violations(List.of(qualified), HAZELCAST, s -> false)).hasSize(1);
        assertThat(violations(List.of(staticImport), JJWT, s -> false)).hasSize(1);
        assertThat(violations(List.of(harmless), GRIZZLY, s -> false)).isEmpty();
        assertThat(violations(List.of(harmless), HAZELCAST, s -> false)).isEmpty();
        assertThat(violations(List.of(harmless), JJWT, s -> false)).isEmpty();
        assertThat(violations(List.of(serverSide), GRIZZLY, ArchitectureTest::mayUseGrizzly)).isEmpty();
    }

    private static boolean mayUseGrizzly(Source s) {
        return s.pkg().equals("dev.gateway.node.server") || s.pkg().startsWith("dev.gateway.node.server.")
                || s.pkg().equals("dev.gateway.node.upstream.grizzly") || s.pkg().equals("dev.gateway.node.upstream.ahc");
    }

    private static List<String> violations(List<Source> sources, String library, Predicate<Source> allowed) {
        Pattern use = Pattern.compile("(?<![\\w.])" + Pattern.quote(library) + "\\.");
        List<String> out = new ArrayList<>();
        for (Source s : sources) {
            if (allowed.test(s)) {
                continue;
            }
            Matcher m = use.matcher(s.code());
            if (m.find()) {
                int lineStart = s.code().lastIndexOf('\n', m.start()) + 1;
                int lineEnd = s.code().indexOf('\n', m.start());
                out.add(s.file() + " (" + s.pkg() + "): "
                        + s.code().substring(lineStart, lineEnd < 0 ? s.code().length() : lineEnd).trim());
            }
        }
        return out;
    }

    private static List<Source> sources(Path root) {
        assertThat(root).as("source root %s (relative to %s)", root, Path.of("").toAbsolutePath()).isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).map(p -> {
                try {
                    return Source.parse(p, Files.readString(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One source file: its package and its code with comments and literals blanked out. */
    record Source(Path file, String pkg, String code) {
        private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

        static Source parse(Path file, String text) {
            String code = codeOnly(text);
            Matcher m = PACKAGE.matcher(code);
            return new Source(file, m.find() ? m.group(1) : "", code);
        }

        /** Replaces comments, string, text-block and char literals by spaces, keeping line breaks. */
        static String codeOnly(String text) {
            StringBuilder out = new StringBuilder(text.length());
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                    while (i < n && text.charAt(i) != '\n') {
                        out.append(' ');
                        i++;
                    }
                } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                    int end = text.indexOf("*/", i + 2);
                    end = end < 0 ? n : end + 2;
                    blank(text, i, end, out);
                    i = end;
                } else if (text.startsWith("\"\"\"", i)) {
                    int end = text.indexOf("\"\"\"", i + 3);
                    end = end < 0 ? n : end + 3;
                    blank(text, i, end, out);
                    i = end;
                } else if (c == '"' || c == '\'') {
                    int j = i + 1;
                    while (j < n && text.charAt(j) != c && text.charAt(j) != '\n') {
                        j += text.charAt(j) == '\\' ? 2 : 1;
                    }
                    int end = Math.min(n, j + 1);
                    blank(text, i, end, out);
                    i = end;
                } else {
                    out.append(c);
                    i++;
                }
            }
            return out.toString();
        }

        private static void blank(String text, int from, int to, StringBuilder out) {
            for (int k = from; k < to; k++) {
                out.append(text.charAt(k) == '\n' ? '\n' : ' ');
            }
        }
    }
}
