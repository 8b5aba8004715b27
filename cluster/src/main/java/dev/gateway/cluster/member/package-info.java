/**
 * This node's way into the cluster ({@link dev.gateway.cluster.member.ClusterConnection}): the embedded Hazelcast
 * member ({@link dev.gateway.cluster.member.ClusterMember}, also what a dedicated {@code gateway-node member} runs)
 * or, with {@code cluster.mode: client}, a Hazelcast smart client of dedicated members
 * ({@link dev.gateway.cluster.member.ClusterClient}); each created from the {@code cluster:} section, each offering
 * the node its cluster views (joined or connected, size, quorum, members, partition safety) in plain Java types.
 */
package dev.gateway.cluster.member;
