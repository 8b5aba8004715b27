package dev.gateway.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** limiter stays pure Java: no Hazelcast, Grizzly or jjwt (docs/architecture.md, dependency direction). */
class ModuleBoundaryTest {
    @Test
    void noInfrastructureImports() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    String src = Files.readString(p);
                    return src.contains("import com.hazelcast") || src.contains("import org.glassfish.grizzly")
                            || src.contains("import io.jsonwebtoken");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).map(Path::toString).toList();
        }
        assertThat(offenders).isEmpty();
    }
}
