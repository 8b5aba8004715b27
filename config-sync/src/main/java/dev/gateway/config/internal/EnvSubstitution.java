package dev.gateway.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in every string value of a tree, in place;
 * {@code $${} stands for a literal {@code ${}. An unset variable without default is an error at its path.
 */
public final class EnvSubstitution {
    private static final Pattern VAR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private EnvSubstitution() {
    }

    public static void apply(JsonNode node, String path, Function<String, String> env, Errors errors) {
        if (node instanceof ObjectNode obj) {
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                String at = Node.join(path, e.getKey());
                if (e.getValue().isTextual()) {
                    e.setValue(new TextNode(substitute(e.getValue().textValue(), at, env, errors)));
                } else {
                    apply(e.getValue(), at, env, errors);
                }
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                String at = path + "[" + i + "]";
                if (arr.get(i).isTextual()) {
                    arr.set(i, new TextNode(substitute(arr.get(i).textValue(), at, env, errors)));
                } else {
                    apply(arr.get(i), at, env, errors);
                }
            }
        }
    }

    /** Substitutes one string; reports problems at {@code path} and leaves the reference as is. */
    public static String substitute(String text, String path, Function<String, String> env, Errors errors) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                Matcher m = VAR.matcher(text).region(i + 2, text.length());
                if (!m.lookingAt()) {
                    errors.add(path, "bad variable reference in '" + text
                            + "' (expected: ${NAME} or ${NAME:-default}; $${ for a literal ${)");
                    return text;
                }
                String value = env.apply(m.group(1));
                if (value == null) {
                    if (m.group(2) == null) {
                        errors.add(path, "environment variable " + m.group(1) + " is not set");
                        return text;
                    }
                    value = m.group(3);
                }
                out.append(value);
                i = m.end();
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
