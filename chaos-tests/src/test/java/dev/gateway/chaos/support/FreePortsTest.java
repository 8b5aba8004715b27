package dev.gateway.chaos.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    @Test
    void portsAreDistinctAndBelowTheEphemeralRange() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralLow = Integer.MAX_VALUE;
        if (Files.isReadable(range)) {
            try (BufferedReader reader = Files.newBufferedReader(range)) {
                ephemeralLow = Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
            }
            assertThat(FreePorts.ephemeralLow()).as("the range as FreePorts reads it").isEqualTo(ephemeralLow);
        }
        FreePorts ports = new FreePorts();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            int port = ports.next();
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
            if (ephemeralLow > FreePorts.LOWEST + 200 && ephemeralLow != Integer.MAX_VALUE) {
                assertThat(port).isBetween(FreePorts.LOWEST, ephemeralLow - 1);
            }
        }
    }
}
