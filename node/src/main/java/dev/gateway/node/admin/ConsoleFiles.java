package dev.gateway.node.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console's static files, read from the jar's {@code console/} folder. A request path is served only when it
 * is a plain relative name (lower-case letters, digits, {@code -} and {@code _} in each segment, one known extension):
 * no dot segments, no escapes, no backslashes, so no request can name anything outside that folder. Files are read
 * once and kept (they are a few kilobytes). Thread-safe.
 */
public final class ConsoleFiles {
    /** Where the console is served on the admin listener. */
    public static final String PREFIX = "/console/";
    /**
     * The Content-Security-Policy of every console answer: only this origin's scripts, styles and API, no inline code
     * or styles, no framing, no plugins.
     */
    public static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Pattern NAME =
            Pattern.compile("[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*\\.(html|js|css|svg|png|ico)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    /** One file: its bytes and content type. */
    public record File(byte[] bytes, String contentType) {
    }

    private final ClassLoader loader;
    private final String root;
    private final Map<String, File> found = new ConcurrentHashMap<>();

    /** The console of this jar. */
    public ConsoleFiles() {
        this(ConsoleFiles.class.getClassLoader(), "console/");
    }

    /** @param root the resource folder, ending in {@code /} */
    public ConsoleFiles(ClassLoader loader, String root) {
        this.loader = loader;
        this.root = root;
    }

    /**
     * The file a request path names, as the request sent it (not decoded), or null when there is none or the path is
     * not a plain name. {@code /console/} names {@code index.html}.
     */
    public File find(String requestPath) {
        if (requestPath == null || !requestPath.startsWith(PREFIX)) {
            return null;
        }
        String name = requestPath.substring(PREFIX.length());
        if (name.isEmpty()) {
            name = "index.html";
        }
        if (!NAME.matcher(name).matches()) {
            return null;
        }
        File file = found.get(name);
        if (file != null) {
            return file;
        }
        file = load(name);
        if (file != null) {
            found.put(name, file);
        }
        return file;
    }

    private File load(String name) {
        try (InputStream in = loader.getResourceAsStream(root + name)) {
            if (in == null) {
                return null;
            }
            return new File(in.readAllBytes(), TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        } catch (IOException e) {
            throw new UncheckedIOException("console file " + name + " does not read", e);
        }
    }
}
