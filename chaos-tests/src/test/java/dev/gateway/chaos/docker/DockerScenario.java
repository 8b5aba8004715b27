package dev.gateway.chaos.docker;

import org.junit.jupiter.api.AfterEach;

/**
 * A Docker scenario: the cluster it starts in {@link #gateway} is closed (containers, network) after each test. A
 * scenario that stops before its claims (a wait that timed out, an exception) still stops its load and writes its
 * report, with what it measured so far: {@link #track} them.
 */
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
    private ChaosLoad load;
    private ChaosReport report;

    /** The scenario's load and report, written in {@link #closeGateway} if the scenario did not get to it. */
    ChaosLoad track(ChaosReport report, ChaosLoad load) {
        this.report = report;
        this.load = load;
        return load;
    }

    @AfterEach
    void closeGateway() {
        try {
            if (load != null && report != null && !report.written()) {
                report.note("the scenario stopped before its claims (see the test's failure); the figures so far:");
                report.write(load, load.stop());
            }
        } finally {
            if (gateway != null) {
                gateway.close();
            }
        }
    }
}
