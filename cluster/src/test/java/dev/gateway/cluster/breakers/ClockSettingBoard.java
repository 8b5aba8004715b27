package dev.gateway.cluster.breakers;

import dev.gateway.cluster.member.SettableClock;
import dev.gateway.limiter.breaker.BreakerBoard;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.Evidence;
import dev.gateway.limiter.breaker.HeldView;
import dev.gateway.limiter.breaker.ProbeAnswer;
import dev.gateway.limiter.breaker.SharedBreakerView;

/**
 * A board whose calls first set the members' clock to the call's {@code nowMillis}: the board contract passes time
 * with each call, the Hazelcast board decides by the owner's clock, and here the two are made one.
 */
final class ClockSettingBoard implements BreakerBoard {
    private final BreakerBoard board;
    private final SettableClock memberClock;

    ClockSettingBoard(BreakerBoard board, SettableClock memberClock) {
        this.board = board;
        this.memberClock = memberClock;
    }

    @Override
    public SharedBreakerView report(String upstream, BreakerSpec spec, String node, Evidence evidence,
                                    HeldView held, long nowMillis) {
        memberClock.set(nowMillis);
        return board.report(upstream, spec, node, evidence, held, nowMillis);
    }

    @Override
    public ProbeAnswer tryProbe(String upstream, BreakerSpec spec, String node, long nowMillis) {
        memberClock.set(nowMillis);
        return board.tryProbe(upstream, spec, node, nowMillis);
    }

    @Override
    public SharedBreakerView probeResult(String upstream, BreakerSpec spec, String node, boolean success,
                                         long nowMillis) {
        memberClock.set(nowMillis);
        return board.probeResult(upstream, spec, node, success, nowMillis);
    }
}
