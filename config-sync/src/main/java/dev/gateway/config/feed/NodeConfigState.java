package dev.gateway.config.feed;

import java.util.Objects;

/**
 * The config one node runs, as it reports it to the cluster: the version it serves and, when a newer version
 * failed to apply there, which one and why.
 *
 * @param version         the version the node serves (0: none yet)
 * @param sha256          that version's hash ("" with version 0)
 * @param failedVersion   the newest version that failed on this node (0: none)
 * @param error           why it failed (null when {@code failedVersion} is 0)
 * @param reportedAtMillis when the node reported, its wall clock
 */
public record NodeConfigState(String node, long version, String sha256, long failedVersion, String error,
                              long reportedAtMillis) {
    public NodeConfigState {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(sha256, "sha256");
        if (version < 0 || failedVersion < 0) {
            throw new IllegalArgumentException("versions must be >= 0: " + version + ", " + failedVersion);
        }
        if ((failedVersion == 0) != (error == null)) {
            throw new IllegalArgumentException("error must be set exactly when failedVersion is: " + failedVersion);
        }
    }
}
