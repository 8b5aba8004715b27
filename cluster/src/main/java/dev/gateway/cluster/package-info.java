/** Hazelcast member lifecycle and the Hazelcast adapters of the limiter and config ports (filled by the cluster issue). */
package dev.gateway.cluster;
