package dev.gateway.cluster.member;

import java.util.concurrent.ForkJoinPool;

/**
 * Child-JVM main for {@link CommonPoolParallelismTest}: calls {@link ClusterMember#raiseCommonPoolParallelism}
 * in a fresh JVM, after touching the common pool first when the first argument is {@code touched}, and prints
 * {@code RESULT <returned> <pool parallelism> <property or null>}.
 */
public final class CommonPoolProbeMain {
    private CommonPoolProbeMain() {
    }

    public static void main(String[] args) {
        if (args[0].equals("touched")) {
            ForkJoinPool.commonPool().submit(() -> { }).join();
        }
        int returned = ClusterMember.raiseCommonPoolParallelism(Integer.parseInt(args[1]));
        System.out.println("RESULT " + returned + " " + ForkJoinPool.getCommonPoolParallelism() + " "
                + System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism"));
    }
}
