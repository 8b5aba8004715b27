package dev.gateway.chaos.docker;

import org.junit.jupiter.api.AfterEach;

/** A Docker scenario: the cluster it starts in {@link #gateway} is closed (containers, network) after each test. */
abstract class DockerScenario {
    /** One upstream ({@code demo}, the first demo container) and one route for everything. */
    static final String ONE_ROUTE = """
            upstreams:
              demo:
                targets:
                  - {url: "http://upstream-a:9000"}
                timeouts: {connect: 1s, response: 5s}
            routes:
              - {id: all, match: {path: "/**"}, upstream: demo}
            observability:
              access-log: {format: "off"}
            """;

    protected DockerGateway gateway;

    @AfterEach
    void closeGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }
}
