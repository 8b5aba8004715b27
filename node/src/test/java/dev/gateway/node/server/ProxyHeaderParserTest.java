package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.node.server.ProxyHeaderParser.State;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PROXY protocol header parser against the examples and limits of HAProxy's spec
 * (proxy-protocol.txt): v1 TCP4, TCP6 and UNKNOWN lines, v2 PROXY and LOCAL with IPv4, IPv6 and
 * TLVs, truncated and oversized headers, and every split of a header across two reads.
 */
class ProxyHeaderParserTest {
    private static final String SIG = "0d0a0d0a000d0a515549540a";
    private static final String HTTP = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    // ---- v1 ------------------------------------------------------------------------------------

    @Test
    void v1Tcp4() {
        ProxyHeader h = done("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
        assertThat(h.version()).isEqualTo(1);
        assertThat(h.source()).isEqualTo(new InetSocketAddress("192.168.0.1", 56324));
    }

    /** The spec's longest TCP4 line (56 bytes). */
    @Test
    void v1Tcp4Longest() {
        ProxyHeader h = done("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n");
        assertThat(h.source()).isEqualTo(new InetSocketAddress("255.255.255.255", 65535));
    }

    /** The spec's longest TCP6 line (104 bytes). */
    @Test
    void v1Tcp6Longest() {
        String ffff = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        String line = "PROXY TCP6 " + ffff + " " + ffff + " 65535 65535\r\n";
        assertThat(line).hasSize(104);
        ProxyHeader h = done(line);
        assertThat(h.source().getAddress().getHostAddress()).isEqualTo("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assertThat(h.source().getPort()).isEqualTo(65535);
    }

    @Test
    void v1Tcp6Short() {
        ProxyHeader h = done("PROXY TCP6 2001:db8::1 2001:db8::2 1234 80\r\n");
        assertThat(h.source()).isEqualTo(new InetSocketAddress("2001:db8::1", 1234));
    }

    /** UNKNOWN keeps the peer's own address; whatever follows it on the line is ignored (spec 2.1). */
    @Test
    void v1Unknown() {
        assertThat(done("PROXY UNKNOWN\r\n").source()).isNull();
        String ffff = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        String longest = "PROXY UNKNOWN " + ffff + " " + ffff + " 65535 65535\r\n";
        assertThat(longest).hasSize(107);
        assertThat(done(longest).source()).isNull();
    }

    @Test
    void v1LongerThan107BytesIsMalformedAtByte108() {
        String line = "PROXY UNKNOWN " + "x".repeat(200) + "\r\n";
        ProxyHeaderParser p = new ProxyHeaderParser();
        byte[] b = ascii(line);
        int used = p.feed(b, 0, b.length);
        assertThat(p.state()).isEqualTo(State.MALFORMED);
        assertThat(used).isEqualTo(108);
        assertThat(p.problem()).contains("107");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\n",          // LF only
        "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\r\n",      // CR CR LF
        "PROXY TCP4  192.168.0.1 192.168.0.11 56324 443\r\n",       // two spaces
        "PROXY TCP4 192.168.0.1 192.168.0.11 56324\r\n",            // a field missing
        "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443 7\r\n",      // a field too many
        "PROXY TCP5 192.168.0.1 192.168.0.11 56324 443\r\n",        // no such protocol
        "PROXY tcp4 192.168.0.1 192.168.0.11 56324 443\r\n",        // case matters
        "PROXY TCP4 2001:db8::1 192.168.0.11 56324 443\r\n",        // IPv6 under TCP4
        "PROXY TCP6 192.168.0.1 2001:db8::2 56324 443\r\n",         // IPv4 under TCP6
        "PROXY TCP4 192.168.0.256 192.168.0.11 56324 443\r\n",      // not an address
        "PROXY TCP4 example.com 192.168.0.11 56324 443\r\n",        // a name, never resolved
        "PROXY TCP4 192.168.0.1 192.168.0.11 65536 443\r\n",        // port too large
        "PROXY TCP4 192.168.0.1 192.168.0.11 056324 443\r\n",       // leading zero
        "PROXY TCP4 192.168.0.1 192.168.0.11 -1 443\r\n",           // sign
        "PROXY TCP4 192.168.0.1\t192.168.0.11 56324 443\r\n",       // control byte
        "PROXY \r\n",                                               // nothing
    })
    void v1MalformedLines(String line) {
        ProxyHeaderParser p = new ProxyHeaderParser();
        byte[] b = ascii(line + HTTP);
        p.feed(b, 0, b.length);
        assertThat(p.state()).as(line).isEqualTo(State.MALFORMED);
        assertThat(p.recognized()).isTrue();
        assertThat(p.problem()).isNotBlank();
    }

    // ---- v2 ------------------------------------------------------------------------------------

    @Test
    void v2ProxyIpv4() {
        // PROXY, AF_INET STREAM, 12 bytes: 192.168.0.1 -> 192.168.0.11, 56324 -> 443
        ProxyHeader h = done(hex(SIG + "21" + "11" + "000c" + "c0a80001" + "c0a8000b" + "dc04" + "01bb"));
        assertThat(h.version()).isEqualTo(2);
        assertThat(h.source()).isEqualTo(new InetSocketAddress("192.168.0.1", 56324));
    }

    @Test
    void v2ProxyIpv6WithTlvsSkipped() {
        String tlvs = "01" + "0008" + "6874747032" + "2e3131"   // PP2_TYPE_ALPN "http/1.1" (8 bytes)
                + "04" + "0000"                                 // PP2_TYPE_NOOP, empty
                + "05" + "0004" + "01020304";                  // PP2_TYPE_UNIQUE_ID
        int length = 36 + (tlvs.length() / 2);
        ProxyHeader h = done(hex(SIG + "21" + "21" + String.format("%04x", length)
                + "20010db8000000000000000000000001" + "20010db8000000000000000000000002" + "04d2" + "0050" + tlvs));
        assertThat(h.source()).isEqualTo(new InetSocketAddress("2001:db8::1", 1234));
    }

    /** LOCAL (a balancer's own health check): the connection's own peer address stays. */
    @Test
    void v2Local() {
        assertThat(done(hex(SIG + "20" + "00" + "0000")).source()).isNull();
        // HAProxy may send LOCAL with an address block or TLVs: skipped, the peer's address stays.
        assertThat(done(hex(SIG + "20" + "11" + "000c" + "c0a80001c0a8000bdc0401bb")).source()).isNull();
    }

    @Test
    void v2UnspecAndUnixKeepThePeerAddress() {
        assertThat(done(hex(SIG + "21" + "00" + "0000")).source()).isNull();
        assertThat(done(hex(SIG + "21" + "31" + "00d8" + "00".repeat(216))).source()).isNull();
    }

    @Test
    void v2TooLongIsMalformedAsSoonAsItsLengthIsRead() {
        ProxyHeaderParser p = new ProxyHeaderParser();
        byte[] b = hex(SIG + "21" + "11" + String.format("%04x", ProxyHeaderParser.V2_MAX_BYTES - 16 + 1) + "00".repeat(64));
        assertThat(p.feed(b, 0, b.length)).isEqualTo(16);
        assertThat(p.state()).isEqualTo(State.MALFORMED);
        assertThat(p.problem()).contains("at most 4096");
        // the longest accepted, TLV padding included
        assertThat(done(hex(SIG + "21" + "11" + String.format("%04x", ProxyHeaderParser.V2_MAX_BYTES - 16)
                + "c0a80001c0a8000bdc0401bb" + "00".repeat(ProxyHeaderParser.V2_MAX_BYTES - 28))).source())
                .isEqualTo(new InetSocketAddress("192.168.0.1", 56324));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "11" + "11" + "000c" + "c0a80001c0a8000bdc0401bb",   // version 1 in a v2 header
        "22" + "11" + "000c" + "c0a80001c0a8000bdc0401bb",   // command 2
        "21" + "41" + "000c" + "c0a80001c0a8000bdc0401bb",   // family 4
        "21" + "13" + "000c" + "c0a80001c0a8000bdc0401bb",   // transport 3
        "21" + "11" + "0008" + "c0a80001c0a8000b",           // address block shorter than AF_INET's 12
        "21" + "21" + "000c" + "c0a80001c0a8000bdc0401bb",   // shorter than AF_INET6's 36
    })
    void v2Malformed(String afterSignature) {
        ProxyHeaderParser p = new ProxyHeaderParser();
        byte[] b = hex(SIG + afterSignature);
        p.feed(b, 0, b.length);
        assertThat(p.state()).as(afterSignature).isEqualTo(State.MALFORMED);
    }

    // ---- not a header, truncated, split ---------------------------------------------------------

    @Test
    void httpIsNotProxyAndOnlyTheDecidingByteIsRead() {
        assertNotProxy("GET / HTTP/1.1\r\n", 1);
        assertNotProxy("PROPFIND / HTTP/1.1\r\n", 4);
        assertNotProxy("PROXYX", 6);
        assertNotProxy("\r\n\r\nGET / HTTP/1.1\r\n", 5);
        assertNotProxy("\r\n\r\n\u0000\r\nQUIT\r", 12);
    }

    @Test
    void truncatedHeadersNeedMore() {
        for (byte[] header : examples()) {
            for (int cut = 0; cut < header.length; cut++) {
                ProxyHeaderParser p = new ProxyHeaderParser();
                assertThat(p.feed(header, 0, cut)).isEqualTo(cut);
                assertThat(p.state()).as("first %d of %d bytes", cut, header.length).isEqualTo(State.NEED_MORE);
                assertThat(p.recognized()).isEqualTo(cut >= (header[0] == 'P' ? 6 : 12));
            }
        }
    }

    /** Whatever byte a read ends at, the header, and the bytes consumed, are the same. */
    @Test
    void aHeaderSplitAcrossTwoReadsAtEveryByte() {
        for (byte[] header : examples()) {
            ProxyHeader whole = done(header);
            byte[] stream = concat(header, ascii(HTTP));
            for (int split = 0; split <= stream.length; split++) {
                ProxyHeaderParser p = new ProxyHeaderParser();
                int used = p.feed(stream, 0, split);
                used += p.feed(stream, split, stream.length);
                assertThat(p.state()).as("split at %d", split).isEqualTo(State.DONE);
                assertThat(used).as("bytes consumed, split at %d", split).isEqualTo(header.length);
                assertThat(p.header()).isEqualTo(whole);
            }
        }
    }

    @Test
    void oneByteAtATime() {
        for (byte[] header : examples()) {
            ProxyHeaderParser p = new ProxyHeaderParser();
            for (int i = 0; i < header.length; i++) {
                assertThat(p.state()).isEqualTo(State.NEED_MORE);
                p.offer(header[i]);
            }
            assertThat(p.state()).isEqualTo(State.DONE);
            assertThatThrownBy(() -> p.offer((byte) 'G')).isInstanceOf(IllegalStateException.class);
        }
    }

    private static byte[][] examples() {
        return new byte[][] {
            ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"),
            ascii("PROXY TCP6 2001:db8::1 2001:db8::2 1234 80\r\n"),
            ascii("PROXY UNKNOWN\r\n"),
            hex(SIG + "21" + "11" + "000c" + "c0a80001" + "c0a8000b" + "dc04" + "01bb"),
            hex(SIG + "21" + "21" + "0029" + "20010db8000000000000000000000001" + "20010db8000000000000000000000002"
                    + "04d2" + "0050" + "0500020102"),
            hex(SIG + "20" + "00" + "0000"),
        };
    }

    private static void assertNotProxy(String text, int decidedAt) {
        ProxyHeaderParser p = new ProxyHeaderParser();
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(p.feed(b, 0, b.length)).as(text).isEqualTo(decidedAt);
        assertThat(p.state()).isEqualTo(State.NOT_PROXY);
        assertThat(p.recognized()).isFalse();
    }

    /** Parses a complete header followed by an HTTP request: DONE, having consumed exactly the header. */
    private static ProxyHeader done(String text) {
        return done(ascii(text));
    }

    private static ProxyHeader done(byte[] header) {
        ProxyHeaderParser p = new ProxyHeaderParser();
        byte[] stream = concat(header, ascii(HTTP));
        int used = p.feed(stream, 0, stream.length);
        assertThat(p.state()).as("state, problem: %s", p.problem()).isEqualTo(State.DONE);
        assertThat(used).isEqualTo(header.length);
        return p.header();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
