package dev.gateway.node.server;

import dev.gateway.config.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the PROXY protocol header (HAProxy's spec, versions 1 and 2) at the start of a
 * connection, one byte at a time, so that a header split across reads at any byte is read the
 * same. Pure: no I/O, no Grizzly; one instance per connection, not thread-safe.
 * <ul>
 *   <li>v1: {@code PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n} or {@code PROXY UNKNOWN...\r\n},
 *       at most {@value #V1_MAX_BYTES} bytes, single spaces, addresses of the family named, ports
 *       0..65535 without leading zeros;</li>
 *   <li>v2: the 12-byte signature, version 2, command {@code LOCAL} or {@code PROXY}, family
 *       {@code AF_UNSPEC}, {@code AF_INET}, {@code AF_INET6} or {@code AF_UNIX}, an address block
 *       at least as long as the family's, and TLVs, which are skipped; at most
 *       {@value #V2_MAX_BYTES} bytes in all.</li>
 * </ul>
 * The state moves from {@link State#NEED_MORE} to exactly one of the others and stays there.
 */
final class ProxyHeaderParser {
    /** The longest v1 header the spec allows, CRLF included. */
    static final int V1_MAX_BYTES = 107;
    /** The longest v2 header accepted, the 16 fixed bytes included; the spec's limit (65551) serves nobody. */
    static final int V2_MAX_BYTES = 4096;

    enum State {
        /** Everything so far may begin a header. */
        NEED_MORE,
        /** A complete, valid header: see {@link #header()}. */
        DONE,
        /** The bytes do not begin with a PROXY header's signature; nothing more was read than the byte that told. */
        NOT_PROXY,
        /** A PROXY header's signature followed by something invalid: see {@link #problem()}. */
        MALFORMED
    }

    private static final byte[] V1_SIGNATURE = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int V2_FIXED = 16;
    private static final int AF_UNSPEC = 0;
    private static final int AF_INET = 1;
    private static final int AF_INET6 = 2;
    private static final int AF_UNIX = 3;
    private static final int[] ADDRESS_BLOCK = {0, 12, 36, 216};

    private State state = State.NEED_MORE;
    private int version;
    private int count;
    /** v1: the whole line; v2: the fixed part and the address block (never the TLVs). */
    private final byte[] bytes = new byte[V2_FIXED + 216];
    private int v2Length = -1;
    private ProxyHeader header;
    private String problem;

    State state() {
        return state;
    }

    /** True once the signature of a v1 or v2 header has been read (whatever follows it). */
    boolean recognized() {
        return version != 0;
    }

    /** The header; only in state {@link State#DONE}. */
    ProxyHeader header() {
        return header;
    }

    /** Why the header is malformed; only in state {@link State#MALFORMED}. */
    String problem() {
        return problem;
    }

    /**
     * Reads bytes from {@code from} (inclusive) to {@code to} (exclusive) until the header ends.
     *
     * @return how many bytes were consumed: all of them while more are needed, else up to the byte that decided
     */
    int feed(byte[] data, int from, int to) {
        int i = from;
        while (i < to && state == State.NEED_MORE) {
            offer(data[i++]);
        }
        return i - from;
    }

    /** Reads one byte. Only while the state is {@link State#NEED_MORE}. */
    State offer(byte b) {
        if (state != State.NEED_MORE) {
            throw new IllegalStateException("the header is already " + state);
        }
        int at = count++;
        if (version == 0) {
            signature(b, at);
        } else if (version == 1) {
            v1(b, at);
        } else {
            v2(b, at);
        }
        return state;
    }

    private void signature(byte b, int at) {
        bytes[at] = b;
        boolean v1 = at < V1_SIGNATURE.length && matches(V1_SIGNATURE, at);
        boolean v2 = matches(V2_SIGNATURE, at);
        if (!v1 && !v2) {
            state = State.NOT_PROXY;
        } else if (v1 && at == V1_SIGNATURE.length - 1) {
            version = 1;
        } else if (v2 && at == V2_SIGNATURE.length - 1) {
            version = 2;
        }
    }

    private boolean matches(byte[] signature, int upTo) {
        for (int i = 0; i <= upTo; i++) {
            if (bytes[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- v1 ----------------------------------------------------------------------------------

    private void v1(byte b, int at) {
        if (at >= V1_MAX_BYTES) {
            malformed("v1 header longer than " + V1_MAX_BYTES + " bytes");
            return;
        }
        bytes[at] = b;
        boolean afterCr = bytes[at - 1] == '\r';
        if (b == '\n' && afterCr) {
            v1Line(new String(bytes, V1_SIGNATURE.length, at - 1 - V1_SIGNATURE.length, StandardCharsets.US_ASCII));
        } else if (afterCr || b == '\n') {
            malformed("v1 header line does not end in CR LF");
        } else if (b != '\r' && (b < 0x20 || b > 0x7e)) {
            malformed("v1 header holds a byte that is not printable ASCII");
        }
    }

    private void v1Line(String line) {
        if (line.equals("UNKNOWN") || line.startsWith("UNKNOWN ")) {
            done(new ProxyHeader(1, null));
            return;
        }
        String[] f = line.split(" ", -1);
        if (f.length != 5 || !(f[0].equals("TCP4") || f[0].equals("TCP6"))) {
            malformed("v1 header is not 'PROXY TCP4|TCP6 <src> <dst> <sport> <dport>' or 'PROXY UNKNOWN'");
            return;
        }
        boolean v6 = f[0].equals("TCP6");
        InetAddress source = v1Address(f[1], v6);
        InetAddress destination = v1Address(f[2], v6);
        int sport = port(f[3]);
        int dport = port(f[4]);
        if (source == null || destination == null) {
            malformed("v1 header has an address that is not " + (v6 ? "IPv6" : "IPv4"));
        } else if (sport < 0 || dport < 0) {
            malformed("v1 header has a port that is not 0..65535");
        } else {
            done(new ProxyHeader(1, new InetSocketAddress(source, sport)));
        }
    }

    private static InetAddress v1Address(String text, boolean v6) {
        if (v6 != (text.indexOf(':') >= 0)) {
            return null;
        }
        return IpAddresses.parse(text);
    }

    private static int port(String text) {
        if (text.isEmpty() || text.length() > 5 || (text.length() > 1 && text.charAt(0) == '0')) {
            return -1;
        }
        int p = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            p = p * 10 + (c - '0');
        }
        return p > 65535 ? -1 : p;
    }

    // ---- v2 ----------------------------------------------------------------------------------

    private void v2(byte b, int at) {
        if (at < V2_FIXED) {
            bytes[at] = b;
            if (at == 12) {
                int versionNibble = (b & 0xf0) >>> 4;
                int command = b & 0x0f;
                if (versionNibble != 2) {
                    malformed("v2 header with version " + versionNibble + " (expected: 2)");
                } else if (command > 1) {
                    malformed("v2 header with command " + command + " (expected: LOCAL or PROXY)");
                }
            } else if (at == 13) {
                int family = (b & 0xf0) >>> 4;
                int transport = b & 0x0f;
                if (family > AF_UNIX || transport > 2) {
                    malformed("v2 header with unknown address family or transport 0x" + Integer.toHexString(b & 0xff));
                }
            } else if (at == 15) {
                v2Length = ((bytes[14] & 0xff) << 8) | (b & 0xff);
                if (V2_FIXED + v2Length > V2_MAX_BYTES) {
                    malformed("v2 header of " + (V2_FIXED + v2Length) + " bytes (expected: at most " + V2_MAX_BYTES + ")");
                } else if (!local() && v2Length < ADDRESS_BLOCK[family()]) {
                    malformed("v2 address block of " + v2Length + " bytes, shorter than its family's "
                            + ADDRESS_BLOCK[family()]);
                } else if (v2Length == 0) {
                    v2Done();
                }
            }
            return;
        }
        int inBlock = at - V2_FIXED;
        if (!local() && inBlock < ADDRESS_BLOCK[family()]) {
            bytes[at] = b;
        }
        if (inBlock == v2Length - 1) {
            v2Done();
        }
    }

    private boolean local() {
        return (bytes[12] & 0x0f) == 0;
    }

    private int family() {
        return (bytes[13] & 0xf0) >>> 4;
    }

    private void v2Done() {
        if (local()) {
            done(new ProxyHeader(2, null));
            return;
        }
        switch (family()) {
            case AF_INET -> done(new ProxyHeader(2, new InetSocketAddress(address(V2_FIXED, 4), u16(V2_FIXED + 8))));
            case AF_INET6 -> done(new ProxyHeader(2, new InetSocketAddress(address(V2_FIXED, 16), u16(V2_FIXED + 32))));
            default -> done(new ProxyHeader(2, null)); // AF_UNSPEC, AF_UNIX: no IP address to use
        }
    }

    private InetAddress address(int offset, int length) {
        byte[] a = new byte[length];
        System.arraycopy(bytes, offset, a, 0, length);
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private int u16(int offset) {
        return ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
    }

    private void done(ProxyHeader h) {
        header = h;
        state = State.DONE;
    }

    private void malformed(String why) {
        problem = why;
        state = State.MALFORMED;
    }
}
