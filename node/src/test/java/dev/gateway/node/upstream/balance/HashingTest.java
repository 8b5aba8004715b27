package dev.gateway.node.upstream.balance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The hash values are part of the cluster's contract: every node, whatever its JVM or version,
 * must send a client or key to the same target. Changing them remaps every client during a
 * rolling upgrade, so this test pins them; update it only on purpose.
 */
class HashingTest {

    @Test
    void valuesArePinned() {
        assertThat(Hashing.hash("")).isEqualTo(0xefd01f60ba992926L);
        assertThat(Hashing.hash("10.0.0.1")).isEqualTo(0xff599d33e619017dL);
        assertThat(Hashing.hash("user-42")).isEqualTo(0x16174917a11ba601L);
    }

    @Test
    void aStringBuilderHashesLikeTheEqualString() {
        assertThat(Hashing.hash(new StringBuilder("10.0.0.1"))).isEqualTo(Hashing.hash("10.0.0.1"));
    }

    @Test
    void nearbyInputsGiveUnrelatedHashes() {
        long a = Hashing.hash("10.0.0.1");
        long b = Hashing.hash("10.0.0.2");

        assertThat(Long.bitCount(a ^ b)).isBetween(16, 48);
        assertThat(Long.bitCount(Hashing.sequence(7, 0) ^ Hashing.sequence(7, 1))).isBetween(16, 48);
    }
}
