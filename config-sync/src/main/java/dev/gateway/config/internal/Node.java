package dev.gateway.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.config.Durations;
import dev.gateway.config.Sizes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value of the config tree together with its path, reporting every problem to a shared {@link Errors}.
 * Readers never throw: a bad value is reported and replaced by {@code null} (or the default), and an
 * object whose parts had errors is not built ({@link #build}). A missing or YAML-null value is absent.
 */
public final class Node {
    private static final Pattern FIELD = Pattern.compile("^([a-z][a-zA-Z0-9]*): (.*)$", Pattern.DOTALL);

    private final JsonNode json;
    private final String path;
    private final Errors errors;

    public Node(JsonNode json, String path, Errors errors) {
        this.json = json == null || json.isNull() || json.isMissingNode() ? null : json;
        this.path = path;
        this.errors = errors;
    }

    public static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public String path() {
        return path;
    }

    public Errors errors() {
        return errors;
    }

    public boolean present() {
        return json != null;
    }

    public void error(String message) {
        errors.add(path, message);
    }

    /** The child value at {@code key} (absent when this is not an object). */
    public Node at(String key) {
        return new Node(json == null ? null : json.get(key), join(path, key), errors);
    }

    /**
     * Checks that this is an object whose keys are all in {@code allowed}; reports each unknown key.
     *
     * @return false (after reporting) when present but not an object, or when absent
     */
    public boolean object(String... allowed) {
        if (json == null) {
            return false;
        }
        if (!json.isObject()) {
            error(shown() + " (expected: an object with keys: " + String.join(", ", allowed) + ")");
            return false;
        }
        List<String> keys = Arrays.asList(allowed);
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                errors.add(join(path, k), "unknown key (expected one of: " + String.join(", ", allowed) + ")");
            }
        }
        return true;
    }

    /** Reports a missing required value; returns whether it is present. */
    public boolean required() {
        if (json == null) {
            error("is required");
            return false;
        }
        return true;
    }

    public String text() {
        if (json == null) {
            return null;
        }
        if (json.isTextual() || json.isNumber() || json.isBoolean()) {
            return json.asText();
        }
        error(shown() + " (expected: a string)");
        return null;
    }

    public String text(String dflt) {
        String t = text();
        return json == null ? dflt : t;
    }

    public String requiredText() {
        return required() ? text() : null;
    }

    public int integer(int dflt) {
        Long v = longValue();
        if (v == null) {
            return dflt;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            error(shown() + " (expected: an integer up to " + Integer.MAX_VALUE + ")");
            return dflt;
        }
        return v.intValue();
    }

    public long longValue(long dflt) {
        Long v = longValue();
        return v == null ? dflt : v;
    }

    /** An integer, or null when absent or wrong (reported). Strings of digits are accepted (for ${VAR}). */
    public Long longValue() {
        if (json == null) {
            return null;
        }
        if (json.isIntegralNumber() && json.canConvertToLong()) {
            return json.longValue();
        }
        if (json.isTextual() && json.textValue().matches("-?\\d{1,18}")) {
            return Long.parseLong(json.textValue());
        }
        error(shown() + " (expected: an integer)");
        return null;
    }

    public boolean bool(boolean dflt) {
        if (json == null) {
            return dflt;
        }
        if (json.isBoolean()) {
            return json.booleanValue();
        }
        if (json.isTextual() && (json.textValue().equals("true") || json.textValue().equals("false"))) {
            return Boolean.parseBoolean(json.textValue());
        }
        error(shown() + " (expected: true or false)");
        return dflt;
    }

    /** A size in bytes: an integer, or a string in {@link Sizes} syntax ({@code 16MiB}). */
    public long size(long dflt) {
        if (json == null) {
            return dflt;
        }
        if (json.isIntegralNumber() && json.canConvertToLong()) {
            return json.longValue();
        }
        return parse(Sizes::parse, dflt);
    }

    public Duration duration(Duration dflt) {
        return json == null ? dflt : parse(Durations::parse, dflt);
    }

    /** Parses a scalar with {@code parser}; its IllegalArgumentException becomes an error at this path. */
    public <T> T parse(Function<String, T> parser, T dflt) {
        if (json == null) {
            return dflt;
        }
        String t = text();
        if (t == null) {
            return dflt;
        }
        try {
            return parser.apply(t);
        } catch (IllegalArgumentException e) {
            error(withoutField(e.getMessage()));
            return dflt;
        }
    }

    /** Like {@link #build}, but reports a constructor's message at this path (for values such as a list). */
    public <T> T buildValue(int mark, Supplier<T> constructor) {
        if (errors.since(mark)) {
            return null;
        }
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            error(withoutField(e.getMessage()));
            return null;
        }
    }

    public boolean isList() {
        return json != null && json.isArray();
    }

    private static String withoutField(String message) {
        Matcher m = FIELD.matcher(message == null ? "invalid" : message);
        return m.matches() ? m.group(2) : message;
    }

    /** The elements of a list (empty when absent; reported when not a list). */
    public List<Node> elements() {
        List<Node> out = new ArrayList<>();
        if (json == null) {
            return out;
        }
        if (!json.isArray()) {
            error(shown() + " (expected: a list)");
            return out;
        }
        for (int i = 0; i < json.size(); i++) {
            out.add(new Node(json.get(i), path + "[" + i + "]", errors));
        }
        return out;
    }

    /** Reads each element with {@code reader}; failed elements are dropped (and were reported). */
    public <T> List<T> list(Function<Node, T> reader) {
        List<T> out = new ArrayList<>();
        for (Node n : elements()) {
            if (!n.present()) {
                n.error("null (expected: a value)");
                continue;
            }
            T t = reader.apply(n);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    public List<String> texts() {
        return list(Node::text);
    }

    /** The entries of an object, in file order (empty when absent; reported when not an object). */
    public Map<String, Node> entries() {
        Map<String, Node> out = new LinkedHashMap<>();
        if (json == null) {
            return out;
        }
        if (!json.isObject()) {
            error(shown() + " (expected: an object)");
            return out;
        }
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            out.put(k, new Node(json.get(k), join(path, k), errors));
        }
        return out;
    }

    /** Reads each entry with {@code reader}, keeping file order; failed entries map to null. */
    public <T> Map<String, T> map(Function<Node, T> reader) {
        Map<String, T> out = new LinkedHashMap<>();
        entries().forEach((k, n) -> {
            if (!n.present()) {
                n.error("null (expected: a value)");
                out.put(k, null);
            } else {
                out.put(k, reader.apply(n));
            }
        });
        return out;
    }

    public Map<String, String> textMap() {
        Map<String, String> out = new LinkedHashMap<>();
        map(Node::text).forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * Builds a record unless errors were reported since {@code mark}. A constructor's
     * IllegalArgumentException {@code field: message} is reported at {@code path.field} (kebab-case).
     */
    public <T> T build(int mark, Supplier<T> constructor) {
        if (errors.since(mark)) {
            return null;
        }
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            report(e.getMessage());
            return null;
        }
    }

    /** Reports a constructor's message, moving a leading {@code field:} into the path. */
    public void report(String message) {
        Matcher m = FIELD.matcher(message == null ? "invalid" : message);
        if (m.matches()) {
            errors.add(join(path, kebab(m.group(1))), m.group(2));
        } else {
            error(message);
        }
    }

    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('-').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    private String shown() {
        if (json.isTextual()) {
            return "'" + json.textValue() + "'";
        }
        if (json.isObject()) {
            return "an object";
        }
        if (json.isArray()) {
            return "a list";
        }
        return json.asText();
    }
}
