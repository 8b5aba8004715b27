package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.Cidr;
import dev.gateway.config.ClientAddressConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The right-most untrusted address of a forwarded header, with the trusted peer 10.0.0.2 and 10.0.0.0/8 trusted. */
class ForwardedClientTest {
    private static final String PEER = "10.0.0.2";
    private final ForwardedClient xff = new ForwardedClient(config("X-Forwarded-For"));
    private final ForwardedClient forwarded = new ForwardedClient(config("Forwarded"));

    private static ClientAddressConfig config(String header) {
        return new ClientAddressConfig(false, List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")), header);
    }

    @Test
    void theRightMostUntrustedAddressIsTheClient() {
        assertThat(xff.client(PEER, List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(xff.client(PEER, List.of("6.6.6.6, 203.0.113.7, 10.1.1.1"))).as("spoofed left part ignored")
                .isEqualTo("203.0.113.7");
        assertThat(xff.client(PEER, List.of("6.6.6.6, 203.0.113.7", "10.1.1.1, 10.2.2.2"))).as("several lines, one list")
                .isEqualTo("203.0.113.7");
    }

    @Test
    void allTrustedIsTheLeftMost() {
        assertThat(xff.client(PEER, List.of("10.9.9.9, 10.1.1.1"))).isEqualTo("10.9.9.9");
        assertThat(xff.client(PEER, List.of())).isEqualTo(PEER);
        assertThat(xff.client(PEER, List.of(" , "))).as("only empty elements").isEqualTo(PEER);
    }

    @Test
    void aMalformedEntryStopsTheWalkAtTheLastTrustedAddress() {
        assertThat(xff.client(PEER, List.of("203.0.113.7, unknown"))).as("the right-most is garbage: the peer").isEqualTo(PEER);
        assertThat(xff.client(PEER, List.of("203.0.113.7, _hidden, 10.1.1.1"))).isEqualTo("10.1.1.1");
        assertThat(xff.client(PEER, List.of("203.0.113.7, example.com"))).as("never resolved").isEqualTo(PEER);
        assertThat(xff.client(PEER, List.of("203.0.113.7, 1.2.3.4:99999"))).isEqualTo(PEER);
    }

    @Test
    void portsBracketsAndIpv6() {
        assertThat(xff.client(PEER, List.of("203.0.113.7:4711"))).isEqualTo("203.0.113.7");
        assertThat(xff.client(PEER, List.of("2001:db8::1"))).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(xff.client(PEER, List.of("[2001:db8::1]:4711, [fd00::1]"))).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(xff.client(PEER, List.of("::ffff:203.0.113.7"))).as("IPv4-mapped is the IPv4 address").isEqualTo("203.0.113.7");
    }

    @Test
    void rfc7239ForParameters() {
        assertThat(forwarded.client(PEER, List.of("for=203.0.113.7;proto=https, for=10.1.1.1;by=10.0.0.2")))
                .isEqualTo("203.0.113.7");
        assertThat(forwarded.client(PEER, List.of("For=\"[2001:db8::1]:4711\""))).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(forwarded.client(PEER, List.of("for=203.0.113.7, for=unknown"))).isEqualTo(PEER);
        assertThat(forwarded.client(PEER, List.of("for=203.0.113.7, proto=http"))).as("an element without for=").isEqualTo(PEER);
        assertThat(forwarded.client(PEER, List.of("for=2001:db8::1"))).as("IPv6 must be bracketed").isEqualTo(PEER);
    }

    @Test
    void onlyTheLastEntriesAreRead() {
        String many = "203.0.113.7, " + "10.0.0.9, ".repeat(ForwardedClient.MAX_ENTRIES) + "10.0.0.8";
        assertThat(xff.client(PEER, List.of(many))).isEqualTo("10.0.0.9");
    }
}
