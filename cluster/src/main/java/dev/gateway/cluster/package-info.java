/**
 * Everything Hazelcast: {@link dev.gateway.cluster.GatewayCluster} is what the node sees (plain
 * Java types only); the member lifecycle lives in {@code member}, the Hazelcast adapters of the
 * limiter and config ports in their own packages.
 */
package dev.gateway.cluster;
