package dev.gateway.node.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.Main;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code gateway-node hash-key}: the stored form of an API key, from an argument or standard input. */
class HashKeyCommandTest {
    private static final String SHA256_OF_TEST = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void hashesItsArgumentAsASubcommandOfTheNode() {
        CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int status = cli.execute("hash-key", "test");

        assertThat(status).isZero();
        assertThat(out.toString()).isEqualTo(SHA256_OF_TEST + System.lineSeparator());
    }

    @Test
    void readsTheKeyFromStandardInputWithoutItsNewline() {
        HashKeyCommand command = new HashKeyCommand();
        command.in = new ByteArrayInputStream("test\n".getBytes(StandardCharsets.UTF_8));

        int status = new CommandLine(command).setOut(new PrintWriter(out)).execute();

        assertThat(status).isZero();
        assertThat(out.toString().strip()).isEqualTo(SHA256_OF_TEST);
    }

    @Test
    void anEmptyKeyIsRefused() {
        HashKeyCommand command = new HashKeyCommand();
        command.in = new ByteArrayInputStream(new byte[0]);

        int status = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute();

        assertThat(status).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("no key given");
    }

    @Test
    void theOutputIsWhatTheConfigAccepts() {
        assertThat(ApiKeys.hash("any key, even with spaces ü")).matches("sha256:[0-9a-f]{64}");
    }
}
