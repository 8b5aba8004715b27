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
 * once and kept (they are a few kilobytes). The libraries the console uses come from their WebJars on the class path,
 * each under a fixed name ({@link #LIBRARIES}: nothing else of a WebJar is reachable). Thread-safe.
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
    /**
     * The policy of Swagger UI's page ({@code /console/api/}): {@link #POLICY} with images from {@code data:} URIs too
     * (Swagger UI's icons are inline SVG images; an image cannot run script). Scripts and styles stay as strict.
     */
    public static final String API_POLICY = POLICY.replace("img-src 'self';", "img-src 'self' data:;");

    /** The Content-Security-Policy of the answer to {@code requestPath}. */
    public static String policyFor(String requestPath) {
        return requestPath.startsWith(PREFIX + "api/") ? API_POLICY : POLICY;
    }
    private static final Pattern NAME =
            Pattern.compile("[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*\\.(html|js|css|svg|png|ico)");
    /**
     * The WebJar files the console serves, by the name they have under {@link #PREFIX}: WebJar artifact, and the path
     * inside its version folder. The version is read from the WebJar's own {@code pom.properties}.
     */
    static final Map<String, String[]> LIBRARIES = Map.of(
            "lib/uplot.js", new String[] {"org.webjars.npm", "uplot", "dist/uPlot.esm.js"},
            "lib/uplot.css", new String[] {"org.webjars.npm", "uplot", "dist/uPlot.min.css"},
            "api/swagger-ui-bundle.js", new String[] {"org.webjars", "swagger-ui", "swagger-ui-bundle.js"},
            "api/swagger-ui.css", new String[] {"org.webjars", "swagger-ui", "swagger-ui.css"});
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
        } else if (name.equals("api/")) {
            name = "api/index.html";
        }
        if (!LIBRARIES.containsKey(name) && !NAME.matcher(name).matches()) {
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
        String[] library = LIBRARIES.get(name);
        String resource = library == null ? root + name : webJarPath(library);
        if (resource == null) {
            return null;
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            return new File(in.readAllBytes(), TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        } catch (IOException e) {
            throw new UncheckedIOException("console file " + name + " does not read", e);
        }
    }

    /** Where a WebJar file is on the class path, or null when the WebJar is not there. */
    private String webJarPath(String[] library) {
        String properties = "META-INF/maven/" + library[0] + "/" + library[1] + "/pom.properties";
        try (InputStream in = loader.getResourceAsStream(properties)) {
            if (in == null) {
                return null;
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return "META-INF/resources/webjars/" + library[1] + "/" + p.getProperty("version") + "/" + library[2];
        } catch (IOException e) {
            throw new UncheckedIOException("WebJar " + library[1] + " does not read", e);
        }
    }
}
