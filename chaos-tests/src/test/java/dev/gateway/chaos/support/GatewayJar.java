package dev.gateway.chaos.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's fat jar, built by the {@code node} module before this one runs in the reactor. Located relative
 * to this module's directory ({@code ../node/target/gateway-node.jar}); a missing jar fails the test with the
 * command that builds it.
 */
public final class GatewayJar {
    private GatewayJar() {
    }

    /** This module's directory: surefire's {@code basedir}, else the working directory. */
    public static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    /** The jar; {@code -Dgateway.jar=PATH} runs another build (an earlier commit's, to see a test fail before). */
    public static Path path() {
        String other = System.getProperty("gateway.jar");
        Path jar = other != null && !other.isBlank() ? Path.of(other).toAbsolutePath()
                : moduleDir().resolve("../node/target/gateway-node.jar").normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the gateway's fat jar is missing: " + jar
                    + " (build it first: cd " + moduleDir().getParent() + " && ./mvnw -B -o -DskipTests install)");
        }
        return jar;
    }

    /** The java launcher of the JVM running the tests, so nodes run on the same Java. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
