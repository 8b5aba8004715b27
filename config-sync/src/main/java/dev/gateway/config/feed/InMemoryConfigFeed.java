package dev.gateway.config.feed;

import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The feed of a node without a cluster, and the reference implementation of the {@link ConfigFeed} contract.
 * Delivers on the publisher's thread. Thread-safe.
 */
public final class InMemoryConfigFeed implements ConfigFeed {
    private final CopyOnWriteArrayList<OrderedDelivery> subscribers = new CopyOnWriteArrayList<>();
    private ConfigVersion current;

    @Override
    public PublishOutcome publish(ConfigVersion candidate) {
        ConfigVersion now;
        synchronized (this) {
            if (current == null || candidate.version() > current.version()) {
                current = candidate;
            }
            now = current;
        }
        subscribers.forEach(s -> s.offer(now));
        return PublishOutcome.of(candidate, now);
    }

    @Override
    public synchronized Optional<ConfigVersion> latest() {
        return Optional.ofNullable(current);
    }

    @Override
    public Subscription subscribe(Consumer<ConfigVersion> listener) {
        OrderedDelivery delivery = new OrderedDelivery(listener, e -> { });
        subscribers.add(delivery);
        latest().ifPresent(delivery::offer);
        return () -> {
            delivery.close();
            subscribers.remove(delivery);
        };
    }
}
