package dev.gateway.config;

import java.math.BigDecimal;

/** A percentage in 0..100; config syntax {@code 50%} (a bare {@code 50} is accepted too). */
public record Percent(double value) {
    public Percent {
        if (!(value >= 0 && value <= 100)) {
            throw new IllegalArgumentException("percent: " + value + " (expected: 0..100)");
        }
    }

    /** @throws IllegalArgumentException when the text is not a number in 0..100, optionally followed by '%' */
    public static Percent parse(String text) {
        String t = text == null ? "" : text.trim();
        String number = t.endsWith("%") ? t.substring(0, t.length() - 1).trim() : t;
        double v;
        try {
            v = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a percentage (expected: e.g. 50%)");
        }
        if (!(v >= 0 && v <= 100) || number.isEmpty() || !Character.isDigit(number.charAt(number.length() - 1))) {
            throw new IllegalArgumentException("'" + text + "' is not a percentage (expected: 0% .. 100%)");
        }
        return new Percent(v);
    }

    /** The value as a fraction in 0..1. */
    public double fraction() {
        return value / 100.0;
    }

    @Override
    public String toString() {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() + "%";
    }
}
