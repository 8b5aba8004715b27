package dev.gateway.config.feed;

/** The cluster could not read or write the config right now (no quorum, a timeout); retry later. */
public class ConfigFeedUnavailableException extends RuntimeException {
    public ConfigFeedUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
