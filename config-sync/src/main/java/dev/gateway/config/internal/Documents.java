package dev.gateway.config.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads a YAML or JSON document into a tree (duplicate keys are errors) and writes canonical trees. */
public final class Documents {
    private static final ObjectMapper YAML_READER = YAMLMapper.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();
    private static final ObjectMapper JSON_READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();
    private static final ObjectMapper YAML_WRITER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();
    private static final ObjectMapper JSON_WRITER = JsonMapper.builder().build();

    private Documents() {
    }

    /** The document's tree; null (after reporting one error) when empty or not well-formed. */
    public static JsonNode read(String text, Errors errors) {
        if (text == null || text.isBlank()) {
            errors.add("", "the document is empty (expected: a config)");
            return null;
        }
        boolean json = text.stripLeading().startsWith("{");
        try {
            JsonNode tree = (json ? JSON_READER : YAML_READER).readTree(text);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                errors.add("", "the document is empty (expected: a config)");
                return null;
            }
            return tree;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (message.startsWith("Duplicate field")) {
                errors.add(path(e), "duplicate key" + where);
            } else if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
                errors.add("", "YAML syntax error at line " + (y.getProblemMark().getLine() + 1) + ", column "
                        + (y.getProblemMark().getColumn() + 1) + ": " + y.getProblem()
                        + (y.getContext() == null ? "" : " (" + y.getContext() + ")"));
            } else {
                errors.add("", (json ? "JSON" : "YAML") + " syntax error" + where + ": " + firstLine(message));
            }
            return null;
        }
    }

    public static String yaml(ObjectNode tree) {
        try {
            return YAML_WRITER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML", e);
        }
    }

    public static String json(ObjectNode tree) {
        try {
            return JSON_WRITER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static String path(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof JsonParser p)) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            String part = c.inArray() ? "[" + Math.max(0, c.getCurrentIndex()) + "]"
                    : c.getCurrentName() == null ? "" : "." + c.getCurrentName();
            path.insert(0, part);
        }
        return path.length() > 0 && path.charAt(0) == '.' ? path.substring(1) : path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed document";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }
}
