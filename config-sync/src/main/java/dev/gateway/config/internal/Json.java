package dev.gateway.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.config.Durations;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/** Small builder over Jackson's tree that omits null values and empty collections. */
final class Json {
    private final ObjectNode node = JsonNodeFactory.instance.objectNode();

    static Json object() {
        return new Json();
    }

    Json put(String key, Object value) {
        JsonNode v = value(value);
        if (v != null) {
            node.set(key, v);
        }
        return this;
    }

    /** Like {@link #put}, but writes an empty list too (where empty differs from absent). */
    Json putList(String key, Collection<?> list) {
        if (list.isEmpty()) {
            node.set(key, JsonNodeFactory.instance.arrayNode());
            return this;
        }
        return put(key, list);
    }

    ObjectNode node() {
        return node;
    }

    static JsonNode value(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof JsonNode j) {
            return j;
        }
        if (value instanceof Json j) {
            return j.node;
        }
        if (value instanceof Duration d) {
            return JsonNodeFactory.instance.textNode(Durations.format(d));
        }
        if (value instanceof Integer i) {
            return JsonNodeFactory.instance.numberNode(i);
        }
        if (value instanceof Long l) {
            return JsonNodeFactory.instance.numberNode(l);
        }
        if (value instanceof Boolean b) {
            return JsonNodeFactory.instance.booleanNode(b);
        }
        if (value instanceof Collection<?> c) {
            if (c.isEmpty()) {
                return null;
            }
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            c.forEach(e -> a.add(value(e)));
            return a;
        }
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                return null;
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            m.forEach((k, v) -> o.set(String.valueOf(k), value(v)));
            return o;
        }
        // Written values are read back through ${VAR} substitution: keep a literal "${" literal.
        return JsonNodeFactory.instance.textNode(value.toString().replace("${", "$${"));
    }
}
