package dev.gateway.node.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gateway-node hash-key [KEY]}: prints {@code sha256:<hex>}, the form {@code consumers.*.api-keys}
 * stores. Without an argument the key is read from standard input (one trailing newline dropped),
 * which keeps it out of the shell history and the process list.
 */
@Command(name = "hash-key", mixinStandardHelpOptions = true,
        description = {"Prints the sha256:<hex> form of an API key, for consumers.<name>.api-keys.",
            "Reads the key from standard input when no argument is given (preferred: keeps it out of shell history)."})
public final class HashKeyCommand implements Callable<Integer> {
    static final int BAD_INPUT = 2;

    @Parameters(arity = "0..1", paramLabel = "KEY", description = "the API key (default: read from standard input)")
    String key;

    @Spec
    CommandSpec spec;

    /** Where the key is read from without an argument; tests replace it. */
    InputStream in = System.in;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String value = key != null ? key : withoutTrailingNewline(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        if (value.isEmpty()) {
            err.println("hash-key: no key given (expected: an argument or the key on standard input)");
            err.flush();
            return BAD_INPUT;
        }
        out.println(ApiKeys.hash(value));
        out.flush();
        return 0;
    }

    private static String withoutTrailingNewline(String s) {
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
