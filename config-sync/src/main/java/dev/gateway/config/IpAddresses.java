package dev.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals, never host names: parsing one never asks DNS. IPv4 is the dotted quad
 * only ({@code 10.0.0.1}; no leading zeros, no short or numeric forms such as {@code 10.1} or
 * {@code 167772161}); IPv6 is RFC 4291 text without brackets or zone ({@code 2001:db8::1},
 * {@code ::ffff:10.0.0.1}, which is the IPv4 address {@code 10.0.0.1}).
 */
public final class IpAddresses {
    private static final int MAX_V6_TEXT = 45;

    private IpAddresses() {
    }

    /** The address {@code text} spells, or null when it is not an IPv4 or IPv6 literal. */
    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            byte[] v4 = v4(text);
            return v4 == null ? null : byAddress(v4);
        }
        if (text.length() > MAX_V6_TEXT || !v6Characters(text)) {
            return null;
        }
        try {
            // Starts with a hex digit or ':' and holds a ':': the JDK parses it as a literal or fails, never resolves it.
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The text of an address as everything in the gateway shows it ({@link InetAddress#getHostAddress()}). */
    public static String format(InetAddress address) {
        return address.getHostAddress();
    }

    /** RFC 5952 text of an address ({@code fd00::}, not {@code fd00:0:0:0:0:0:0:0}), for config written back. */
    public static String compact(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    private static boolean v6Characters(String text) {
        char first = text.charAt(0);
        if (first != ':' && Character.digit(first, 16) < 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ':' && c != '.' && Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] v4(String text) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? '.' : text.charAt(i);
            if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // leading zero: octal to some parsers
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
