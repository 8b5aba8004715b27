package dev.gateway.config;

import dev.gateway.config.internal.Check;

/**
 * Kubernetes discovery in DNS lookup mode: the members are the addresses a headless Service's DNS name resolves
 * to (no Kubernetes API access, so no RBAC permissions). {@code servicePort} is the members' port, 0 for the
 * default 5701.
 */
public record Kubernetes(String serviceDns, int servicePort) {
    public Kubernetes {
        Check.that(serviceDns != null && serviceDns.matches("[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?"), "service-dns",
                serviceDns, "a DNS name, e.g. gateway-members.default.svc.cluster.local");
        Check.that(servicePort >= 0 && servicePort <= 65535, "service-port", servicePort, "0..65535 (0: 5701)");
    }
}
