package dev.gateway.node.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape, parsed line by line as the Prometheus text format 0.0.4. Parsing fails the test on
 * any line that is not {@code # HELP}, {@code # TYPE} or a valid sample, on a sample of a family
 * that has no {@code # TYPE}, and on a family declared twice.
 */
final class Exposition {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final String VALUE = "(?:[-+]?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|[-+]?Inf|NaN)";
    static final Pattern HELP = Pattern.compile("^# HELP (" + NAME + ") .*$");
    static final Pattern TYPE = Pattern.compile("^# TYPE (" + NAME + ") (counter|gauge|summary|histogram|untyped)$");
    static final Pattern SAMPLE = Pattern.compile(
            "^(" + NAME + ")(\\{" + LABEL + "(?:," + LABEL + ")*\\})? (" + VALUE + ")(?: -?[0-9]+)?$");

    final String text;
    /** Series key ({@code name{labels}} exactly as written) to value, in output order. */
    final Map<String, Double> samples = new LinkedHashMap<>();
    /** Family name (as in # TYPE) to type. */
    final Map<String, String> types = new HashMap<>();

    private Exposition(String text) {
        this.text = text;
        String family = null;
        String familyType = null;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                continue;
            }
            if ((m = TYPE.matcher(line)).matches()) {
                family = m.group(1);
                familyType = m.group(2);
                assertThat(types.put(family, familyType)).as("family declared twice: %s", family).isNull();
                continue;
            }
            m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("not valid exposition syntax: [%s]", line).isTrue();
            String name = m.group(1);
            assertThat(family).as("sample before any # TYPE: %s", line).isNotNull();
            assertThat(belongsTo(name, family, familyType)).as("sample %s outside its family %s", line, family).isTrue();
            String key = name + (m.group(2) == null ? "" : m.group(2));
            assertThat(samples.put(key, Double.parseDouble(m.group(3).replace("Inf", "Infinity"))))
                    .as("series written twice: %s", key).isNull();
        }
    }

    static Exposition scrape(GatewayMetrics metrics) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            metrics.writePrometheus(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        return new Exposition(text);
    }

    private static boolean belongsTo(String name, String family, String type) {
        if (type.equals("summary")) {
            return name.equals(family) || name.equals(family + "_count") || name.equals(family + "_sum");
        }
        if (type.equals("histogram")) {
            return name.equals(family + "_bucket") || name.equals(family + "_count") || name.equals(family + "_sum");
        }
        return name.equals(family);
    }

    Double value(String series) {
        return samples.get(series);
    }

    /** Series keys of one metric name (e.g. {@code gateway_requests_total}), labels included. */
    List<String> series(String name) {
        List<String> keys = new ArrayList<>();
        for (String key : samples.keySet()) {
            if (key.equals(name) || key.startsWith(name + "{")) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Sum of the values of every series of one metric name. */
    double total(String name) {
        return series(name).stream().mapToDouble(samples::get).sum();
    }

    @Override
    public String toString() {
        return text;
    }
}
