package dev.gateway.node.server;

/** A listener could not bind (port in use, address not local): the node cannot start. */
public final class ListenException extends Exception {
    public ListenException(String message, Throwable cause) {
        super(message, cause);
    }
}
