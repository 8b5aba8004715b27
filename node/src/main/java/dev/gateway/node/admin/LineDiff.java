package dev.gateway.node.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two texts (longest common subsequence), for the console's config diff: each line of the result kept
 * ({@code ' '}), removed ({@code '-'}) or added ({@code '+'}). Quadratic in the number of lines, so both texts are
 * bounded by {@link #MAX_LINES} (a config of more lines is answered without a diff).
 */
final class LineDiff {
    /** Texts with more lines than this are not diffed. */
    static final int MAX_LINES = 5_000;

    record Line(char op, String text) {
    }

    private LineDiff() {
    }

    /** @throws IllegalArgumentException when a text has more than {@link #MAX_LINES} lines */
    static List<Line> of(String before, String after) {
        String[] a = before.split("\n", -1);
        String[] b = after.split("\n", -1);
        if (a.length > MAX_LINES || b.length > MAX_LINES) {
            throw new IllegalArgumentException("a config of more than " + MAX_LINES + " lines is not diffed");
        }
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<Line> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            if (a[i].equals(b[j])) {
                out.add(new Line(' ', a[i++]));
                j++;
            } else if (common[i + 1][j] >= common[i][j + 1]) {
                out.add(new Line('-', a[i++]));
            } else {
                out.add(new Line('+', b[j++]));
            }
        }
        while (i < a.length) {
            out.add(new Line('-', a[i++]));
        }
        while (j < b.length) {
            out.add(new Line('+', b[j++]));
        }
        return out;
    }
}
