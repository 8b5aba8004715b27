package dev.gateway.node.compression;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A body compressed with gzip (RFC 1952) as it streams: raw deflate between the gzip header and
 * its CRC-32 and length trailer, one source chunk at a time. Each source chunk is flushed
 * ({@link Deflater#SYNC_FLUSH}) once compressed, so a slowly streamed response (server-sent
 * events, long polls) reaches the client as it is produced, at the cost of a few bytes per chunk.
 *
 * <p>Memory is bounded: the next source chunk is asked for only when the current one is
 * compressed and handed to the sink, and nothing is produced while the sink has paused; at
 * most one source chunk and {@value #OUTPUT_BYTES} bytes of output are held, whatever the size
 * of the body. The deflater is created on the first chunk and released at the end, on failure
 * or on {@link #discard()}.
 *
 * <p>Thread-safety: the {@link Body} contract. The source, the sink and {@code discard} may call
 * in from any thread; all work runs in one drain loop, entered by whichever call finds it idle
 * (the others only leave a note), so the deflater and the sink are never used by two threads
 * at once and a sink that resumes from inside its own {@code onData} does not recurse.
 */
final class GzipBody implements Body, BodySink {
    private static final int LEVEL = Deflater.DEFAULT_COMPRESSION;
    private static final int OUTPUT_BYTES = 16 * 1024;
    private static final int TRAILER_BYTES = 8;
    /** Magic, deflate, no flags, no modification time, no extra flags, unknown OS. */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final Body source;
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicInteger resumes = new AtomicInteger();
    private volatile BodySink sink;

    // Handed over by the source: written before awaitingSource turns false, read by the drain loop after.
    private ByteBuffer input;
    private boolean inputLast;
    private volatile boolean awaitingSource = true;
    private volatile Throwable error;
    private volatile boolean discarded;

    // The drain loop's own.
    private final CRC32 crc = new CRC32();
    private Deflater deflater;
    private byte[] scratch;
    private boolean inputTaken;
    private boolean chunkFlushed;
    private boolean headerWritten;
    private boolean trailerWritten;
    private boolean paused;
    private int pausedAt;
    private boolean finished;

    GzipBody(Body source) {
        this.source = source;
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public void subscribe(BodySink newSink) {
        if (sink != null) {
            throw new IllegalStateException("body already subscribed");
        }
        sink = newSink;
        source.subscribe(this);
    }

    @Override
    public void resume() {
        resumes.incrementAndGet();
        drain();
    }

    @Override
    public void discard() {
        discarded = true;
        drain();
    }

    /** From the source. Always pauses it: the drain loop resumes it when the chunk is compressed and delivered. */
    @Override
    public boolean onData(ByteBuffer chunk, boolean last) {
        input = chunk;
        inputLast = last;
        awaitingSource = false;
        drain();
        return false;
    }

    /** From the source. */
    @Override
    public void onError(Throwable failure) {
        error = failure;
        drain();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            try {
                step();
            } catch (RuntimeException | Error e) {
                release();
                source.discard();
                throw e;
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void step() {
        while (!finished) {
            if (discarded) {
                release();
                source.discard();
                return;
            }
            Throwable failure = error;
            if (failure != null) {
                release();
                sink.onError(failure);
                return;
            }
            if (paused) {
                if (resumes.get() == pausedAt) {
                    return;
                }
                paused = false;
            }
            if (awaitingSource) {
                return;
            }
            if (chunkFlushed) {
                chunkFlushed = false;
                inputTaken = false;
                input = null;
                awaitingSource = true;
                source.resume(); // may deliver the next chunk right here: onData only leaves it for this loop
                continue;
            }
            ByteBuffer out = compress();
            if (out == null) {
                continue; // an empty chunk: ask for the next one
            }
            boolean last = trailerWritten;
            if (last) {
                release();
            }
            int resumedBefore = resumes.get();
            if (!sink.onData(out, last) && !last) {
                paused = true;
                pausedAt = resumedBefore;
            }
        }
    }

    /** The next piece of output, or null when the current chunk is done and produced nothing more. */
    private ByteBuffer compress() {
        if (deflater == null) {
            deflater = new Deflater(LEVEL, true);
            scratch = new byte[OUTPUT_BYTES];
        }
        int n = 0;
        if (!headerWritten) {
            System.arraycopy(HEADER, 0, scratch, 0, HEADER.length);
            n = HEADER.length;
            headerWritten = true;
        }
        if (!inputTaken) {
            inputTaken = true;
            crc.update(input.duplicate());
            deflater.setInput(input);
            if (inputLast) {
                deflater.finish();
            } else if (!input.hasRemaining()) {
                chunkFlushed = true;
                return n == 0 ? null : output(n);
            }
        }
        while (n < scratch.length) {
            if (!inputLast) {
                int room = scratch.length - n;
                int produced = deflater.deflate(scratch, n, room, Deflater.SYNC_FLUSH);
                n += produced;
                if (produced < room) {
                    chunkFlushed = true; // all of the chunk is in, and all of it is out
                    break;
                }
            } else if (!deflater.finished()) {
                n += deflater.deflate(scratch, n, scratch.length - n);
            } else {
                if (scratch.length - n >= TRAILER_BYTES) {
                    writeTrailer(n);
                    n += TRAILER_BYTES;
                    trailerWritten = true;
                }
                break;
            }
        }
        return n == 0 ? null : output(n);
    }

    private ByteBuffer output(int n) {
        return ByteBuffer.wrap(Arrays.copyOf(scratch, n)); // the sink owns what it gets; scratch is reused
    }

    private void writeTrailer(int at) {
        int crc32 = (int) crc.getValue();
        int size = (int) deflater.getBytesRead(); // ISIZE: the input length modulo 2^32
        for (int i = 0; i < 4; i++) {
            scratch[at + i] = (byte) (crc32 >>> (8 * i));
            scratch[at + 4 + i] = (byte) (size >>> (8 * i));
        }
    }

    private void release() {
        finished = true;
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
        scratch = null;
        input = null;
    }
}
