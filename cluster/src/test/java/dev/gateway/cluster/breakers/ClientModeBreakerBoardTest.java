package dev.gateway.cluster.breakers;

import dev.gateway.cluster.ClientModeCluster;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.cluster.member.SettableClock;
import dev.gateway.limiter.breaker.BreakerBoard;
import dev.gateway.limiter.breaker.BreakerBoardContract;
import dev.gateway.limiter.breaker.BreakerViews;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The board contract on two client-mode nodes of two dedicated members (ports 5778-5779): every call travels from a
 * client to the entry's owner. The members decide by the contract's clock; the clients read it too, as the
 * members' time, so their views are not shifted.
 */
class ClientModeBreakerBoardTest extends BreakerBoardContract {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final SettableClock MEMBER_CLOCK = new SettableClock(T0);

    private static ClientModeCluster cluster;
    private HazelcastBreakerBoard board;
    private HazelcastBreakerBoard other;

    @BeforeAll
    static void start() {
        cluster = ClientModeCluster.start("breakers-client", List.of(5778, 5779), 2,
                config -> MemberClock.install(config, MEMBER_CLOCK));
        MemberClock.install(cluster.client(0), MEMBER_CLOCK);
        MemberClock.install(cluster.client(1), MEMBER_CLOCK);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void openBoards() {
        MEMBER_CLOCK.set(T0);
        board = new HazelcastBreakerBoard(cluster.client(0), MEMBER_CLOCK, TIMEOUT);
        other = new HazelcastBreakerBoard(cluster.client(1), MEMBER_CLOCK, TIMEOUT);
    }

    @AfterEach
    void closeBoards() {
        board.close();
        other.close();
    }

    @Override
    protected BreakerBoard board() {
        return new ClockSettingBoard(board, MEMBER_CLOCK);
    }

    @Override
    protected BreakerBoard otherNode() {
        return new ClockSettingBoard(other, MEMBER_CLOCK);
    }

    @Override
    protected BreakerViews views() {
        return board;
    }
}
