package dev.gateway.config.feed;

import org.junit.jupiter.api.BeforeEach;

class InMemoryConfigFeedTest extends ConfigFeedContract {
    private InMemoryConfigFeed feed;

    @BeforeEach
    void newFeed() {
        feed = new InMemoryConfigFeed();
    }

    @Override
    protected ConfigFeed feed() {
        return feed;
    }

    @Override
    protected ConfigFeed otherNode() {
        return feed;
    }
}
