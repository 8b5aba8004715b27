/**
 * The embedded Hazelcast member: {@link dev.gateway.cluster.member.ClusterMember} creates it from the
 * {@code cluster:} section and offers the node its cluster views (joined, size, quorum, members, partition
 * safety) in plain Java types.
 */
package dev.gateway.cluster.member;
