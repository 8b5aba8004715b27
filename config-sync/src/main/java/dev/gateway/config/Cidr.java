package dev.gateway.config;

import java.net.InetAddress;

/**
 * A block of IPv4 or IPv6 addresses: config syntax {@code 10.0.0.0/8}, {@code fd00::/8}, or a
 * bare address for that one address ({@code 127.0.0.1} is {@code 127.0.0.1/32}). The address
 * must be the block's first one (no bits set after the prefix), so that a typo such as
 * {@code 10.0.0.1/8} is an error rather than a silently wider block.
 *
 * @param network the first address of the block
 * @param prefix  how many leading bits every member shares with {@code network}
 */
public record Cidr(InetAddress network, int prefix) {
    private static final String EXPECTED = "an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8, fd00::/8 or 127.0.0.1";

    public Cidr {
        if (network == null) {
            throw new IllegalArgumentException("network: null (expected: an IP address)");
        }
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix: " + prefix + " (expected: 0.." + bits + ")");
        }
        byte[] a = network.getAddress();
        for (int i = prefix; i < bits; i++) {
            if ((a[i / 8] & (0x80 >>> (i % 8))) != 0) {
                throw new IllegalArgumentException("network: '" + IpAddresses.format(network) + "/" + prefix
                        + "' (expected: no bits set after the prefix)");
            }
        }
    }

    /** @throws IllegalArgumentException when {@code text} is not a CIDR block or a bare address */
    public static Cidr parse(String text) {
        String t = text == null ? "" : text;
        int slash = t.indexOf('/');
        InetAddress address = IpAddresses.parse(slash < 0 ? t : t.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' (expected: " + EXPECTED + ")");
        }
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(p) > bits || (p.length() > 1 && p.charAt(0) == '0')) {
                throw new IllegalArgumentException("'" + text + "' (expected: " + EXPECTED + ")");
            }
            prefix = Integer.parseInt(p);
        }
        try {
            return new Cidr(address, prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: " + EXPECTED + ", with no bits set after the prefix)");
        }
    }

    /** Whether {@code address} is in this block; an IPv4 address is never in an IPv6 block, nor the reverse. */
    public boolean contains(InetAddress address) {
        return address != null && contains(address.getAddress());
    }

    /** Like {@link #contains(InetAddress)} on the address's bytes (4 or 16). */
    public boolean contains(byte[] address) {
        byte[] n = network.getAddress();
        if (address.length != n.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != n[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        return IpAddresses.compact(network) + "/" + prefix;
    }
}
