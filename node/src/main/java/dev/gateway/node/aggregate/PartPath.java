package dev.gateway.node.aggregate;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An aggregate part's path template ({@code /users/{jwt.sub}/orders?since={query.since}}), split once into literal
 * text and placeholders. Values are percent-encoded (every byte but unreserved characters), so a value can never
 * add a path segment or a query parameter of its own.
 */
final class PartPath {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(jwt|path|query)\\.([A-Za-z0-9_.-]+)}");

    private final List<String> literals = new ArrayList<>();
    private final List<String[]> placeholders = new ArrayList<>();

    PartPath(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        int at = 0;
        while (m.find()) {
            literals.add(template.substring(at, m.start()));
            placeholders.add(new String[] {m.group(1), m.group(2)});
            at = m.end();
        }
        literals.add(template.substring(at));
    }

    /** The names this template needs from the route's path ({@code {path.NAME}}). */
    List<String> pathNames() {
        return placeholders.stream().filter(p -> p[0].equals("path")).map(p -> p[1]).toList();
    }

    /**
     * The path with every placeholder filled.
     *
     * @param values (source, name) to value, null when the request has none
     * @throws MissingValueException naming the first placeholder without a value
     */
    String fill(Function<String[], String> values) throws MissingValueException {
        StringBuilder out = new StringBuilder(literals.get(0));
        for (int i = 0; i < placeholders.size(); i++) {
            String[] p = placeholders.get(i);
            String value = values.apply(p);
            if (value == null) {
                throw new MissingValueException(p[0] + "." + p[1]);
            }
            out.append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
            out.append(literals.get(i + 1));
        }
        return out.toString();
    }

    /** A claim as text: strings as they are, numbers and booleans printed; other shapes have no value. */
    static String claim(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return null;
    }

    /** A placeholder the request has no value for. */
    static final class MissingValueException extends Exception {
        MissingValueException(String placeholder) {
            super("{" + placeholder + "} has no value in this request", null, false, false);
        }
    }
}
