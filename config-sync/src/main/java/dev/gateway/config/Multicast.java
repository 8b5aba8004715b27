package dev.gateway.config;

import dev.gateway.config.internal.Check;

/** Multicast discovery: an IPv4 multicast group and a UDP port. */
public record Multicast(String group, int port) {
    public Multicast {
        Check.that(group != null && group.matches("2(2[4-9]|3\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}"), "group", group,
                "an IPv4 multicast address 224.0.0.0 .. 239.255.255.255");
        Check.that(port >= 1 && port <= 65535, "port", port, "1..65535");
    }
}
