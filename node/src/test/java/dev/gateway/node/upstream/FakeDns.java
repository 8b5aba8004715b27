package dev.gateway.node.upstream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A {@link HostResolver} answering from a map the test changes; records the threads it was called on. */
public final class FakeDns implements HostResolver {
    private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
    private final List<String> callingThreads = new CopyOnWriteArrayList<>();
    private final Map<String, CountDownLatch> blocked = new ConcurrentHashMap<>();

    public FakeDns set(String host, String... addresses) {
        try {
            InetAddress[] parsed = new InetAddress[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                parsed[i] = InetAddress.getByName(addresses[i]); // literals: no lookup
            }
            names.put(host, List.of(parsed));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
        return this;
    }

    /** From now on {@code host} cannot be resolved. */
    public FakeDns forget(String host) {
        names.remove(host);
        return this;
    }

    /** From now on resolving {@code host} hangs until {@link #unblock}: a DNS server that does not answer. */
    public FakeDns block(String host) {
        blocked.put(host, new CountDownLatch(1));
        return this;
    }

    public FakeDns unblock(String host) {
        CountDownLatch latch = blocked.remove(host);
        if (latch != null) {
            latch.countDown();
        }
        return this;
    }

    public List<String> callingThreads() {
        return List.copyOf(callingThreads);
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        callingThreads.add(Thread.currentThread().getName());
        CountDownLatch latch = blocked.get(host);
        if (latch != null) {
            try {
                latch.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnknownHostException(host + ": interrupted");
            }
        }
        List<InetAddress> addresses = names.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host + ": no such name (fake)");
        }
        return addresses;
    }
}
