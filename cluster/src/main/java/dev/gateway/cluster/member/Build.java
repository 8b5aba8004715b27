package dev.gateway.cluster.member;

/**
 * The build this process runs: the {@code Implementation-Version} of the node jar's manifest (the project's
 * version), or {@value #UNPACKAGED} when the classes do not come from that jar (tests, an IDE).
 */
public final class Build {
    /** Member attribute carrying the build a member runs ({@link #version()}); shown in {@code /admin/cluster}. */
    public static final String ATTRIBUTE = "gateway.build";

    /** What a process not running from the node jar reports. */
    public static final String UNPACKAGED = "unpackaged";

    private Build() {
    }

    public static String version() {
        String v = Build.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? UNPACKAGED : v;
    }
}
