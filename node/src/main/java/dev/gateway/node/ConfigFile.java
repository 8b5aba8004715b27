package dev.gateway.node;

import dev.gateway.config.ConfigCodec;
import dev.gateway.config.ConfigException;
import dev.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the config file a command was given, for the node and the {@code member} command alike: its text with
 * {@code ${ENV}} substitution, parsed; on a problem, one line per problem on {@code err}, each naming the file.
 */
public final class ConfigFile {
    private ConfigFile() {
    }

    /** The parsed file, or null when it could not be read or parsed (the problems are on {@code err}). */
    public static GatewayConfig read(Path file, PrintWriter err) {
        try {
            return ConfigCodec.parse(Files.readString(file), System::getenv);
        } catch (NoSuchFileException e) {
            err.println(file + ": no such file");
        } catch (IOException e) {
            err.println(file + ": cannot read (" + e.getMessage() + ")");
        } catch (ConfigException e) {
            e.errors().forEach(error -> err.println(file + ": " + error));
        } catch (IllegalArgumentException e) {
            err.println(file + ": " + e.getMessage());
        }
        return null;
    }
}
