package dev.gateway.node.websocket;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A JDK WebSocket listener that records whole messages, the close code it got, and errors. */
final class RecordingListener implements WebSocket.Listener {
    private final List<String> texts = new CopyOnWriteArrayList<>();
    private final List<byte[]> binaries = new CopyOnWriteArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private volatile int closeCode = -1;
    private volatile Throwable error;
    /** While set, no more messages are asked for after the current one: the JDK client then stops reading. */
    private volatile boolean hold;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            texts.add(text.toString());
            text.setLength(0);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            binaries.add(binary.toByteArray());
            binary.reset();
        }
        if (!hold || !last) {
            ws.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closeCode = statusCode;
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable e) {
        error = e;
    }

    /** Stops (true) asking for messages once the one being received is whole. */
    RecordingListener hold(boolean on) {
        hold = on;
        return this;
    }

    List<String> texts() {
        return texts;
    }

    List<byte[]> binaries() {
        return binaries;
    }

    /** The close code received, -1 before a close; 1006 when the connection broke without one. */
    int closeCode() {
        return error != null && closeCode < 0 ? 1006 : closeCode;
    }

    Throwable error() {
        return error;
    }
}
