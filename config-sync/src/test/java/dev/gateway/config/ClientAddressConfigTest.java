package dev.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code node.client-address}: reading, defaults, validation with paths, and the CIDR and IP literal rules. */
class ClientAddressConfigTest {

    private static GatewayConfig parse(String node) throws ConfigException {
        return ConfigCodec.parse("node:\n" + node, name -> null);
    }

    private static List<String> errors(String node) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(node));
        assertThat(e).as("expected errors for:\n%s", node).isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void absentIsOffAndTrustsNobody() throws Exception {
        ClientAddressConfig c = parse("  name: gw\n").node().clientAddress();

        assertThat(c).isEqualTo(ClientAddressConfig.defaults());
        assertThat(c.enabled()).isFalse();
        assertThat(c.trusts(InetAddress.getLoopbackAddress())).isFalse();
        assertThat(NodeSettings.defaults().clientAddress()).isEqualTo(ClientAddressConfig.defaults());
    }

    @Test
    void readsEveryKey() throws Exception {
        ClientAddressConfig c = parse("""
                  client-address:
                    proxy-protocol: true
                    trusted: [127.0.0.1/32, 10.0.0.0/8, "fd00::/8", 192.168.1.7]
                    forwarded-header: X-Forwarded-For
                """).node().clientAddress();

        assertThat(c.proxyProtocol()).isTrue();
        assertThat(c.forwardedHeader()).isEqualTo("X-Forwarded-For");
        assertThat(c.trusted()).extracting(Cidr::toString)
                .containsExactly("127.0.0.1/32", "10.0.0.0/8", "fd00::/8", "192.168.1.7/32");
        assertThat(c.trusts(ip("10.200.3.4"))).isTrue();
        assertThat(c.trusts(ip("fdab::1"))).isTrue();
        assertThat(c.trusts(ip("192.168.1.7"))).isTrue();
        assertThat(c.trusts(ip("192.168.1.8"))).isFalse();
        assertThat(c.trusts(ip("11.0.0.1"))).isFalse();
        assertThat(c.trusts(ip("::1"))).isFalse();
    }

    @Test
    void writtenFormReadsBackEqual() throws Exception {
        GatewayConfig config = parse("""
                  client-address: {proxy-protocol: true, trusted: [10.0.0.0/8, "::1"], forwarded-header: Forwarded}
                """);

        String yaml = ConfigCodec.toYaml(config);

        assertThat(yaml).contains("client-address:", "proxy-protocol: true", "forwarded-header: Forwarded");
        assertThat(ConfigCodec.parse(yaml, name -> null)).isEqualTo(config);
    }

    @Test
    void badCidrsAreReportedAtTheirIndex() {
        assertThat(errors("""
                  client-address:
                    trusted: [10.0.0.0/8, 10.0.0.0/33, 10.0.0.1/8, example.com/24, "::1/129", 10.1/16, 010.0.0.0/8, 1.2.3.4/]
                """)).containsExactly(
                "node.client-address.trusted[1]: '10.0.0.0/33' (expected: an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8, fd00::/8 or 127.0.0.1)",
                "node.client-address.trusted[2]: '10.0.0.1/8' (expected: an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8, fd00::/8 "
                        + "or 127.0.0.1, with no bits set after the prefix)",
                "node.client-address.trusted[3]: 'example.com/24' (expected: an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8, fd00::/8 or 127.0.0.1)",
                "node.client-address.trusted[4]: '::1/129' (expected: an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8, fd00::/8 or 127.0.0.1)",
                "node.client-address.trusted[5]: '10.1/16' (expected: an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8, fd00::/8 or 127.0.0.1)",
                "node.client-address.trusted[6]: '010.0.0.0/8' (expected: an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8, fd00::/8 or 127.0.0.1)",
                "node.client-address.trusted[7]: '1.2.3.4/' (expected: an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8, fd00::/8 or 127.0.0.1)");
    }

    @Test
    void proxyProtocolWithNobodyTrustedIsAnError() {
        assertThat(errors("  client-address: {proxy-protocol: true}\n")).containsExactly(
                "node.client-address.trusted: '[]' (expected: at least one CIDR when proxy-protocol is true: "
                        + "only trusted peers may send a PROXY header)");
    }

    @Test
    void forwardedHeaderWithNobodyTrustedIsAnError() {
        assertThat(errors("  client-address: {forwarded-header: X-Forwarded-For}\n")).containsExactly(
                "node.client-address.trusted: '[]' (expected: at least one CIDR with forwarded-header: "
                        + "only trusted peers may set it)");
    }

    @Test
    void badHeaderNameAndUnknownKeysAndTypes() {
        assertThat(errors("""
                  client-address: {proxy-protocol: yes, trusted: 10.0.0.0/8, forwarded-header: "X Forwarded", via: 1}
                """)).containsExactlyInAnyOrder(
                "node.client-address.via: unknown key (expected one of: proxy-protocol, trusted, forwarded-header)",
                "node.client-address.proxy-protocol: 'yes' (expected: true or false)",
                "node.client-address.trusted: '10.0.0.0/8' (expected: a list)");
        assertThat(errors("  client-address: {trusted: [10.0.0.0/8], forwarded-header: \"X Forwarded\"}\n"))
                .containsExactly("node.client-address.forwarded-header: 'X Forwarded' (expected: an RFC 9110 token, e.g. X-Request-Id)");
    }

    @Test
    void ipLiteralsNeverResolveNames() {
        assertThat(IpAddresses.parse("localhost")).isNull();
        assertThat(IpAddresses.parse("1.2.3")).isNull();
        assertThat(IpAddresses.parse("167772161")).isNull();
        assertThat(IpAddresses.parse("1.2.3.256")).isNull();
        assertThat(IpAddresses.parse("1.2.3.4.")).isNull();
        assertThat(IpAddresses.parse("fe80::1%eth0")).isNull();
        assertThat(IpAddresses.parse(".::1")).isNull();
        assertThat(IpAddresses.parse("[::1]")).isNull();
        assertThat(IpAddresses.parse("1:2:3")).isNull();
        assertThat(IpAddresses.parse("")).isNull();
        assertThat(IpAddresses.format(IpAddresses.parse("0.0.0.0"))).isEqualTo("0.0.0.0");
        assertThat(IpAddresses.format(IpAddresses.parse("2001:DB8::1"))).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(IpAddresses.format(IpAddresses.parse("::ffff:10.0.0.1"))).isEqualTo("10.0.0.1");
        assertThat(IpAddresses.compact(ip("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpAddresses.compact(ip("::"))).isEqualTo("::");
        assertThat(IpAddresses.compact(ip("::1"))).isEqualTo("::1");
        assertThat(IpAddresses.compact(ip("fd00::"))).isEqualTo("fd00::");
        assertThat(IpAddresses.compact(ip("1:0:2:3:4:5:6:7"))).isEqualTo("1:0:2:3:4:5:6:7");
    }

    @Test
    void cidrMembership() {
        Cidr block = Cidr.parse("10.128.0.0/9");
        assertThat(block.contains(ip("10.128.0.0"))).isTrue();
        assertThat(block.contains(ip("10.255.255.255"))).isTrue();
        assertThat(block.contains(ip("10.127.255.255"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
        assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db9::1"))).isFalse();
        assertThatThrownBy(() -> Cidr.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static InetAddress ip(String text) {
        InetAddress a = IpAddresses.parse(text);
        assertThat(a).as(text).isNotNull();
        return a;
    }
}
