package dev.gateway.node.upstream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link HostResolver} answering from a map the test changes; records the threads it was called on. */
public final class FakeDns implements HostResolver {
    private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
    private final List<String> callingThreads = new CopyOnWriteArrayList<>();

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

    public List<String> callingThreads() {
        return List.copyOf(callingThreads);
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        callingThreads.add(Thread.currentThread().getName());
        List<InetAddress> addresses = names.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host + ": no such name (fake)");
        }
        return addresses;
    }
}
