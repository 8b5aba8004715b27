package dev.gateway.node.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape parsed strictly as OpenMetrics text 1.0 (the ABNF of the OpenMetrics specification): every line ends
 * with LF, none is blank, each is a {@code # TYPE}, {@code # HELP}, {@code # UNIT} of the family that follows, or a
 * sample of the current family ({@code name_total} of a counter, {@code _bucket}/{@code _count}/{@code _sum} of a
 * histogram...) with an optional timestamp and an optional exemplar ({@code # {labels} value [timestamp]}, only on a
 * counter's {@code _total} or a histogram's {@code _bucket}, its labels at most 128 characters); {@code # EOF} is the
 * last line. Histogram buckets are cumulative, end with {@code le="+Inf"} equal to {@code _count}, and a bucket's
 * exemplar value lies in that bucket. Anything else throws {@link IllegalArgumentException} naming the line.
 */
public final class OpenMetricsText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL_NAME = "[a-zA-Z_][a-zA-Z0-9_]*";
    private static final String ESCAPED = "(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*";
    private static final String LABEL = LABEL_NAME + "=\"" + ESCAPED + "\"";
    private static final String LABELS = "\\{(?:" + LABEL + "(?:," + LABEL + ")*)?\\}";
    private static final String REAL = "[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?";
    private static final String NUMBER = "(?:" + REAL + "|[-+]?(?i:inf|infinity)|(?i:nan))";
    private static final Pattern TYPE = Pattern.compile(
            "# TYPE (" + NAME + ") (counter|gauge|histogram|gaugehistogram|stateset|info|summary|unknown)");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") " + ESCAPED);
    private static final Pattern UNIT = Pattern.compile("# UNIT (" + NAME + ") [a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(" + LABELS + ")? (" + NUMBER + ")(?: (" + REAL
            + "))?(?: # (" + LABELS + ") (" + NUMBER + ")(?: (" + REAL + "))?)?");
    private static final Pattern LABEL_PAIR = Pattern.compile("(" + LABEL_NAME + ")=\"(" + ESCAPED + ")\"");

    /** An exemplar: its labels ({@code trace_id}, {@code span_id}), value, and timestamp in seconds (NaN if none). */
    public record Exemplar(Map<String, String> labels, double value, double timestampSeconds) {
    }

    /** One sample line; {@code exemplar} null when it has none. */
    public record Sample(String family, String name, Map<String, String> labels, double value, Exemplar exemplar) {
    }

    private final Map<String, String> types = new LinkedHashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private OpenMetricsText() {
    }

    public static OpenMetricsText parse(String text) {
        if (!text.endsWith("# EOF\n") && !text.endsWith("# EOF")) {
            throw new IllegalArgumentException("the exposition does not end with # EOF");
        }
        OpenMetricsText parsed = new OpenMetricsText();
        String[] lines = text.split("\n", -1);
        int last = text.endsWith("\n") ? lines.length - 2 : lines.length - 1; // the # EOF line
        String family = null;
        String type = null;
        boolean familyHasSamples = false;
        for (int i = 0; i < last; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                throw new IllegalArgumentException("blank line " + (i + 1));
            }
            Matcher m;
            if ((m = TYPE.matcher(line)).matches()) {
                if (parsed.types.containsKey(m.group(1))) {
                    throw new IllegalArgumentException("family declared twice (or interleaved): " + line);
                }
                family = m.group(1);
                type = m.group(2);
                if (type.equals("counter") && family.endsWith("_total")) {
                    throw new IllegalArgumentException("a counter family's name must not end in _total: " + line);
                }
                parsed.types.put(family, type);
                familyHasSamples = false;
                continue;
            }
            if ((m = HELP.matcher(line)).matches() || (m = UNIT.matcher(line)).matches()) {
                if (!m.group(1).equals(family) || familyHasSamples) {
                    throw new IllegalArgumentException("metadata outside its family's head: " + line);
                }
                continue;
            }
            m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not valid OpenMetrics text: [" + line + "]");
            }
            if (family == null) {
                throw new IllegalArgumentException("sample before any # TYPE: " + line);
            }
            String name = m.group(1);
            String suffix = suffix(name, family, type);
            if (suffix == null) {
                throw new IllegalArgumentException("sample " + line + " outside its family " + family + " (" + type + ")");
            }
            Exemplar exemplar = null;
            if (m.group(5) != null) {
                if (!(type.equals("counter") && suffix.equals("_total")) && !suffix.equals("_bucket")) {
                    throw new IllegalArgumentException("an exemplar on neither a counter's _total nor a bucket: " + line);
                }
                String exemplarLabels = m.group(5);
                if (exemplarLabels.length() - 2 > 128) {
                    throw new IllegalArgumentException("exemplar labels longer than 128 characters: " + line);
                }
                exemplar = new Exemplar(labels(exemplarLabels, line), number(m.group(6)),
                        m.group(7) == null ? Double.NaN : Double.parseDouble(m.group(7)));
            }
            parsed.samples.add(new Sample(family, name, labels(m.group(2), line), number(m.group(3)), exemplar));
            familyHasSamples = true;
        }
        if (!lines[last].equals("# EOF")) {
            throw new IllegalArgumentException("# EOF is not the last line");
        }
        parsed.checkHistograms();
        return parsed;
    }

    public Map<String, String> types() {
        return types;
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The sample named {@code name} whose labels are exactly {@code labels} (name, value pairs). */
    public Optional<Sample> sample(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(wanted)).findFirst();
    }

    /** Every exemplar of the samples named {@code name}. */
    public List<Sample> withExemplars(String name) {
        return samples.stream().filter(s -> s.name().equals(name) && s.exemplar() != null).toList();
    }

    private static String suffix(String name, String family, String type) {
        Set<String> allowed = switch (type) {
            case "counter" -> Set.of("_total", "_created");
            case "histogram" -> Set.of("_bucket", "_count", "_sum", "_created");
            case "gaugehistogram" -> Set.of("_bucket", "_gcount", "_gsum");
            case "summary" -> Set.of("", "_count", "_sum", "_created");
            case "info" -> Set.of("_info");
            default -> Set.of("");
        };
        for (String suffix : allowed) {
            if (name.equals(family + suffix)) {
                return suffix;
            }
        }
        return null;
    }

    private static Map<String, String> labels(String braces, String line) {
        Map<String, String> out = new LinkedHashMap<>();
        if (braces == null) {
            return out;
        }
        Matcher m = LABEL_PAIR.matcher(braces);
        while (m.find()) {
            String value = unescape(m.group(2));
            if (out.put(m.group(1), value) != null) {
                throw new IllegalArgumentException("label " + m.group(1) + " twice: " + line);
            }
        }
        return out;
    }

    private static String unescape(String escaped) {
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '\\') {
                char next = escaped.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static double number(String text) {
        String t = text.toLowerCase();
        if (t.endsWith("inf") || t.endsWith("infinity")) {
            return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return t.equals("nan") ? Double.NaN : Double.parseDouble(text);
    }

    /** Buckets cumulative and ending in +Inf = _count; each bucket's exemplar in (previous le, le]. */
    private void checkHistograms() {
        Map<String, Double> previousBound = new HashMap<>();
        Map<String, Double> previousCount = new HashMap<>();
        Map<String, Double> infCount = new HashMap<>();
        for (Sample s : samples) {
            if (!types.get(s.family()).equals("histogram")) {
                continue;
            }
            Map<String, String> series = new LinkedHashMap<>(s.labels());
            String le = series.remove("le");
            String key = s.family() + series;
            if (s.name().endsWith("_bucket")) {
                if (le == null) {
                    throw new IllegalArgumentException("a bucket without le: " + s);
                }
                double bound = number(le);
                double lower = previousBound.getOrDefault(key, Double.NEGATIVE_INFINITY);
                if (bound <= lower) {
                    throw new IllegalArgumentException("buckets not in increasing le: " + s);
                }
                if (s.value() < previousCount.getOrDefault(key, 0.0)) {
                    throw new IllegalArgumentException("bucket counts not cumulative: " + s);
                }
                if (s.exemplar() != null && !(s.exemplar().value() > lower && s.exemplar().value() <= bound)) {
                    throw new IllegalArgumentException("exemplar outside its bucket: " + s);
                }
                previousBound.put(key, bound);
                previousCount.put(key, s.value());
                if (bound == Double.POSITIVE_INFINITY) {
                    infCount.put(key, s.value());
                }
            } else if (s.name().endsWith("_count")) {
                if (!Double.valueOf(s.value()).equals(infCount.get(key))) {
                    throw new IllegalArgumentException("_count without an equal le=\"+Inf\" bucket before it: " + s);
                }
            }
        }
    }
}
