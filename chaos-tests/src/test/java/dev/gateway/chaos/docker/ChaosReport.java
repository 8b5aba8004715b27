package dev.gateway.chaos.docker;

import dev.gateway.chaos.docker.ChaosLoad.Event;
import dev.gateway.chaos.docker.ChaosLoad.Outcome;
import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.support.GatewayJar;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The figures of one Docker chaos scenario: its claims (measured against their bounds), the client load's
 * answers per 250 ms (OK, expected refusals, errors, no answers) against what was offered, and the p99 latency of
 * the requests due in each 250 ms, with the fault's moments, as a section of
 * {@code target/chaos-report.md} (the first scenario of a test JVM starts the file anew) and a plot
 * {@code target/chaos-<scenario>.png} (Java2D). Written before the scenario asserts, so a claim that does not
 * hold is on record with its numbers.
 */
final class ChaosReport {
    static final long BUCKET_NANOS = 250_000_000L;
    private static boolean started;

    private final String id;
    private final String title;
    private final List<String[]> claims = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private boolean allHold = true;
    private boolean written;

    ChaosReport(String id, String title) {
        this.id = id;
        this.title = title;
    }

    /** A claim with what was measured and the bound it must keep; returns whether it holds. */
    boolean claim(String claim, String measured, String bound, boolean holds) {
        claims.add(new String[] {claim, measured, bound, holds ? "yes" : "**NO**"});
        allHold &= holds;
        System.out.printf("[chaos-report] %s: %s: measured %s, bound %s -> %s%n", id, claim, measured, bound,
                holds ? "holds" : "DOES NOT HOLD");
        return holds;
    }

    void note(String text) {
        notes.add(text);
        System.out.printf("[chaos-report] %s: %s%n", id, text);
    }

    boolean allHold() {
        return allHold;
    }

    /** Fails with every claim that does not hold (call after {@link #write}, so the numbers are on record). */
    void assertAllHold() {
        if (!allHold) {
            StringBuilder why = new StringBuilder(title + ": claims that do not hold:");
            for (String[] c : claims) {
                if (!"yes".equals(c[3])) {
                    why.append("\n  - ").append(c[0]).append(": measured ").append(c[1]).append(", bound ").append(c[2]);
                }
            }
            why.append("\n(see target/chaos-report.md and target/chaos-logs/docker/").append(id).append("/)");
            throw new AssertionError(why.toString());
        }
    }

    static Path dir() {
        return GatewayJar.moduleDir().resolve("target");
    }

    /** Per bucket: OK, expected refusals, errors, no answers, by the time the answer (or the timeout) came. */
    static int[][] buckets(List<Sample> samples, long endNanos) {
        int n = (int) (endNanos / BUCKET_NANOS) + 1;
        int[][] b = new int[n][4];
        for (Sample s : samples) {
            int i = (int) Math.min(n - 1, s.endNanos() / BUCKET_NANOS);
            b[i][s.outcome().ordinal()]++;
        }
        return b;
    }

    boolean written() {
        return written;
    }

    void write(ChaosLoad load, List<Sample> samples) {
        written = true;
        long end = Math.max(load.now(), samples.isEmpty() ? 0 : samples.get(samples.size() - 1).endNanos());
        List<Event> events = load.events();
        int[][] b = buckets(samples, end);
        StringBuilder md = new StringBuilder();
        md.append("## ").append(title).append("\n\n");
        long ok = samples.stream().filter(s -> s.outcome() == Outcome.OK).count();
        long expected = samples.stream().filter(s -> s.outcome() == Outcome.EXPECTED).count();
        long errors = samples.stream().filter(s -> s.outcome() == Outcome.ERROR).count();
        long none = samples.stream().filter(s -> s.outcome() == Outcome.NO_ANSWER).count();
        long slowest = samples.stream().mapToLong(Sample::latencyMillis).max().orElse(0);
        long overOneSecond = samples.stream().filter(s -> s.latencyMillis() > 1000).count();
        md.append(String.format(Locale.ROOT, "%s, open-loop load through HAProxy from %d clients at %d req/s for %.1f s (at most %d in "
                        + "flight; %d sent more than %d ms late by the generator): %d requests, %d OK, %d expected "
                        + "refusals, %d errors, %d without answer; p99 %d ms, slowest %d ms (from when each was due), %d "
                        + "slower than 1 s. Plot: `chaos-%s.png`.%n%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), load.clients(), load.rate(), end / 1e9, load.maxInFlight(), load.late(),
                ChaosLoad.LATE_NANOS / 1_000_000, samples.size(), ok, expected, errors, none,
                p99Millis(samples, 0, Long.MAX_VALUE), slowest, overOneSecond, id));
        md.append("| claim | measured | bound | holds |\n|---|---|---|---|\n");
        for (String[] c : claims) {
            md.append("| ").append(String.join(" | ", c)).append(" |\n");
        }
        md.append('\n');
        for (String n : notes) {
            md.append("- ").append(n).append('\n');
        }
        if (!notes.isEmpty()) {
            md.append('\n');
        }
        md.append("| t (s) | OK | expected refusals | errors | no answer | due | p99 ms of those due | event |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        int perSecond = (int) (1_000_000_000L / BUCKET_NANOS);
        for (int s = 0; s * perSecond < b.length; s++) {
            int[] sum = new int[4];
            for (int i = s * perSecond; i < Math.min(b.length, (s + 1) * perSecond); i++) {
                for (int k = 0; k < 4; k++) {
                    sum[k] += b[i][k];
                }
            }
            StringBuilder ev = new StringBuilder();
            for (Event e : events) {
                if ((int) (e.atNanos() / 1_000_000_000L) == s) {
                    ev.append(ev.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%.2f s: %s", e.seconds(), e.label()));
                }
            }
            long from = s * 1_000_000_000L;
            long due = samples.stream().filter(x -> x.startNanos() >= from && x.startNanos() < from + 1_000_000_000L).count();
            md.append(String.format(Locale.ROOT, "| %d-%d | %d | %d | %d | %d | %d | %d | %s |%n", s, s + 1, sum[0], sum[1],
                    sum[2], sum[3], due, p99Millis(samples, from, from + 1_000_000_000L), ev));
        }
        md.append('\n');
        append(md.toString());
        plot(b, offered(samples, b.length), p99PerBucket(samples, b.length), events, dir().resolve("chaos-" + id + ".png"));
    }

    /** The 99th percentile latency (ms, from when each was due) of the requests due in [from, to); 0 if none. */
    static long p99Millis(List<Sample> samples, long fromNanos, long toNanos) {
        long[] latencies = samples.stream().filter(x -> x.startNanos() >= fromNanos && x.startNanos() < toNanos)
                .mapToLong(Sample::latencyMillis).sorted().toArray();
        if (latencies.length == 0) {
            return 0;
        }
        return latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)];
    }

    /**
     * The two failover claims every fault scenario makes. Throughput floor: in every whole second from
     * {@code settledAt} to {@code endAt}, at least {@value #SERVED_FLOOR_PERCENT}% of the requests due in it were
     * served (OK or an expected refusal, within {@value #SERVED_WITHIN_MS} ms of when it was due). Latency bound: the p99 of the requests due between {@code faultAt} and
     * {@code settledAt} is at most {@code p99BoundMs} (a stall, or requests hung on a dead node, break it).
     */
    void failover(String fault, List<Sample> samples, long faultAt, long settledAt, long endAt, long p99BoundMs) {
        // the load's last due request ends the measured time (stop() waited for every answer)
        long lastDue = samples.stream().mapToLong(Sample::startNanos).max().orElse(0);
        endAt = Math.min(endAt, lastDue);
        int worstPercent = 100;
        String worstSecond = "none";
        int seconds = 0;
        for (long from = settledAt; from + 1_000_000_000L <= endAt; from += 1_000_000_000L) {
            long lo = from;
            long due = samples.stream().filter(x -> x.startNanos() >= lo && x.startNanos() < lo + 1_000_000_000L).count();
            long served = samples.stream().filter(x -> x.startNanos() >= lo && x.startNanos() < lo + 1_000_000_000L)
                    .filter(x -> !x.failed() && x.latencyMillis() <= SERVED_WITHIN_MS).count();
            int percent = due == 0 ? 0 : (int) (100 * served / due);
            seconds++;
            if (percent < worstPercent) {
                worstPercent = percent;
                worstSecond = String.format(Locale.ROOT, "%.1f-%.1f s: %d of %d", lo / 1e9, lo / 1e9 + 1, served, due);
            }
        }
        claim("served, every second from " + Phases.millis(settledAt - faultAt) + " ms after " + fault + " to the end",
                seconds == 0 ? "no whole second measured" : "worst " + worstPercent + "% (" + worstSecond + ")",
                ">= " + SERVED_FLOOR_PERCENT + "% of the requests due, each answered within " + SERVED_WITHIN_MS + " ms",
                seconds > 0 && worstPercent >= SERVED_FLOOR_PERCENT);
        // the requests due during the fault: until it settled, or (a fault that must cost nothing) until the end
        long p99Until = settledAt > faultAt ? settledAt : endAt;
        long p99 = p99Millis(samples, faultAt, p99Until);
        claim("p99 latency of the requests due from " + fault + (settledAt > faultAt ? " until then" : " to the end"),
                p99 + " ms", "<= " + p99BoundMs + " ms", p99 <= p99BoundMs);
    }

    static final int SERVED_FLOOR_PERCENT = 90;
    /** An answer later than this after it was due does not count as served: a stall is not throughput. */
    static final long SERVED_WITHIN_MS = 1_000;

    private static synchronized void append(String section) {
        Path file = dir().resolve("chaos-report.md");
        try {
            Files.createDirectories(file.getParent());
            if (!started) {
                started = true;
                Files.writeString(file, "# Docker chaos suite: figures of the last run\n\n"
                        + "Each scenario runs gateway nodes, demo upstreams and HAProxy as containers on a private Docker "
                        + "network, with client load through HAProxy for its whole duration. Answers are counted per 250 ms "
                        + "by the time they came (the tables sum them per second; the plots show the 250 ms buckets). An "
                        + "error is a non-2xx answer the scenario does not expect (expected: 429 of a quota, 502/503/504 of "
                        + "a dead upstream or an open breaker where the scenario says so); no answer is a connection "
                        + "failure or a request without answer within " + ChaosLoad.REQUEST_TIMEOUT.toSeconds() + " s.\n\n");
            }
            Files.writeString(file, section, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** Per bucket: the requests due in it (the offered load). */
    static int[] offered(List<Sample> samples, int buckets) {
        int[] due = new int[buckets];
        for (Sample s : samples) {
            due[(int) Math.min(buckets - 1, s.startNanos() / BUCKET_NANOS)]++;
        }
        return due;
    }

    /** Per bucket: the p99 latency (ms) of the requests due in it. */
    static long[] p99PerBucket(List<Sample> samples, int buckets) {
        long[] p99 = new long[buckets];
        for (int i = 0; i < buckets; i++) {
            p99[i] = p99Millis(samples, i * BUCKET_NANOS, (i + 1) * BUCKET_NANOS);
        }
        return p99;
    }

    /**
     * Offered (requests due) as a dashed line, answers (OK, expected refusals) as lines, errors and no answers as
     * bars, all per 250 ms on the left axis; the p99 latency of the requests due in each 250 ms on the right axis
     * (ms, purple); events as vertical lines.
     */
    private void plot(int[][] b, int[] offered, long[] p99, List<Event> events, Path file) {
        int w = 1000;
        int h = 392;
        int left = 60;
        int right = 20;
        int top = 40;
        int bottom = 62;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            int max = 1;
            for (int[] x : b) {
                max = Math.max(max, Math.max(x[0] + x[1], x[2] + x[3]));
            }
            for (int o : offered) {
                max = Math.max(max, o);
            }
            long maxP99 = 1;
            for (long l : p99) {
                maxP99 = Math.max(maxP99, l);
            }
            int plotW = w - left - right;
            int plotH = h - top - bottom;
            double dx = (double) plotW / Math.max(1, b.length);
            double dy = (double) plotH / max;
            g.setColor(new Color(230, 230, 230));
            for (int s = 0; s * 4 < b.length; s += Math.max(1, b.length / 4 / 20)) {
                int x = left + (int) (s * 4 * dx);
                g.drawLine(x, top, x, top + plotH);
            }
            // errors (red) and no answers (orange) stacked as bars
            for (int i = 0; i < b.length; i++) {
                int x = left + (int) (i * dx);
                int bw = Math.max(1, (int) dx - 1);
                int he = (int) Math.round(b[i][2] * dy);
                int hn = (int) Math.round(b[i][3] * dy);
                g.setColor(new Color(220, 40, 40));
                g.fillRect(x, top + plotH - he, bw, he);
                g.setColor(new Color(255, 150, 0));
                g.fillRect(x, top + plotH - he - hn, bw, hn);
            }
            line(g, b, 0, new Color(30, 150, 60), left, top, plotH, dx, dy);
            line(g, b, 1, new Color(120, 120, 120), left, top, plotH, dx, dy);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {3, 3}, 0));
            for (int i = 1; i < offered.length; i++) {
                g.drawLine(left + (int) ((i - 0.5) * dx), top + plotH - (int) Math.round(offered[i - 1] * dy),
                        left + (int) ((i + 0.5) * dx), top + plotH - (int) Math.round(offered[i] * dy));
            }
            g.setColor(new Color(140, 40, 170));
            g.setStroke(new BasicStroke(1.5f));
            double dl = (double) plotH / maxP99;
            for (int i = 1; i < p99.length; i++) {
                g.drawLine(left + (int) ((i - 0.5) * dx), top + plotH - (int) Math.round(p99[i - 1] * dl),
                        left + (int) ((i + 0.5) * dx), top + plotH - (int) Math.round(p99[i] * dl));
            }
            g.setColor(Color.BLACK);
            g.drawRect(left, top, plotW, plotH);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            g.setColor(new Color(40, 70, 200));
            for (Event e : events) {
                int x = left + (int) (e.atNanos() / (double) BUCKET_NANOS * dx);
                g.drawLine(x, top, x, top + plotH);
            }
            labels(g, b, events, max, left, top, plotW, plotH, dx);
            try {
                g.setColor(new Color(140, 40, 170));
                g.drawString("p99 " + maxP99 + " ms", left + plotW - 80, top - 4);
                g.drawString("p99 (right axis, ms)", left + 260, 32);
                g.setColor(Color.BLACK);
                g.drawString("offered (dashed)", left + 380, 32);
            } catch (RuntimeException | Error e) {
                notes.add("plot labels skipped: " + e);
            }
        } finally {
            g.dispose();
        }
        try {
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void line(Graphics2D g, int[][] b, int k, Color color, int left, int top, int plotH, double dx,
                             double dy) {
        g.setColor(color);
        g.setStroke(new BasicStroke(2f));
        for (int i = 1; i < b.length; i++) {
            int x0 = left + (int) ((i - 0.5) * dx);
            int x1 = left + (int) ((i + 0.5) * dx);
            g.drawLine(x0, top + plotH - (int) Math.round(b[i - 1][k] * dy), x1, top + plotH - (int) Math.round(b[i][k] * dy));
        }
    }

    /** Text: a machine without fonts still gets the plot, without its labels. */
    private void labels(Graphics2D g, int[][] b, List<Event> events, int max, int left, int top, int plotW, int plotH,
                        double dx) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(Color.BLACK);
            g.drawString(title + "  (answers per 250 ms)", left, 16);
            g.setColor(new Color(30, 150, 60));
            g.drawString("OK", left, 32);
            g.setColor(new Color(120, 120, 120));
            g.drawString("expected refusals", left + 30, 32);
            g.setColor(new Color(220, 40, 40));
            g.drawString("errors", left + 140, 32);
            g.setColor(new Color(255, 150, 0));
            g.drawString("no answer", left + 190, 32);
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(max), 8, top + 10);
            g.drawString("0", 8, top + plotH);
            int step = Math.max(1, b.length / 4 / 20);
            for (int s = 0; s * 4 < b.length; s += step) {
                g.drawString(s + " s", left + (int) (s * 4 * dx) - 6, top + plotH + 14);
            }
            g.setColor(new Color(40, 70, 200));
            int row = 0;
            for (Event e : events) {
                int x = left + (int) (e.atNanos() / (double) BUCKET_NANOS * dx);
                String label = e.label().length() > 38 ? e.label().substring(0, 38) + "..." : e.label();
                int textX = Math.min(x + 3, left + plotW - g.getFontMetrics().stringWidth(label));
                g.drawString(label, textX, top + plotH + 28 + 11 * (row++ % 3));
            }
        } catch (RuntimeException | Error e) {
            notes.add("plot labels skipped: " + e);
        }
    }
}
