package dev.gateway.node.resilience;

import dev.gateway.limiter.breaker.BreakerState;
import dev.gateway.limiter.breaker.CircuitBreaker;
import dev.gateway.limiter.breaker.Permit;

/**
 * A node's own breaker ({@code scope: node}, and the fallback of a cluster-scoped one): the limiter's
 * {@link CircuitBreaker}. While closed the breaker hands out one shared permit, so the ticket for it is made once.
 */
public final class LocalBreaker implements Breaker {
    private final CircuitBreaker breaker;
    private volatile PermitTicket last;

    public LocalBreaker(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public Ticket tryAcquire() {
        Permit permit = breaker.tryAcquire();
        PermitTicket cached = last;
        if (cached != null && cached.permit == permit) {
            return cached;
        }
        PermitTicket ticket = new PermitTicket(breaker, permit);
        last = ticket;
        return ticket;
    }

    @Override
    public BreakerState state() {
        return breaker.state();
    }

    private record PermitTicket(CircuitBreaker breaker, Permit permit) implements Ticket {
        @Override
        public boolean allowed() {
            return permit.allowed();
        }

        @Override
        public long retryAfterMillis() {
            return permit.retryAfterMillis();
        }

        @Override
        public void complete(boolean failure, long durationNanos) {
            breaker.onComplete(permit, failure, durationNanos);
        }
    }
}
