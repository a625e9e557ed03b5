package io.github.kinesisconsumer.kinesis.wire;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * A few reusable arrays that JSON answers are read into before they are scanned. Without them every
 * call allocated one array of the answer's size (a few megabytes): on G1 such arrays are humongous,
 * and each one may start a concurrent marking cycle over the whole old generation, which cost more
 * CPU than the decoding itself. At most {@link #KEPT} arrays of at most {@link #LARGEST} bytes are
 * kept, so the pool holds at most 32 MB per JVM; larger answers, and calls beyond that many at
 * once, get an array of their own.
 */
final class AnswerBuffers {

    static final int KEPT = 8;
    static final int LARGEST = 4 << 20;

    private static final ArrayBlockingQueue<byte[]> FREE = new ArrayBlockingQueue<>(KEPT);

    private AnswerBuffers() {}

    /** An array of at least {@code length} bytes, to be given back with {@link #give}. */
    static byte[] take(int length) {
        byte[] buffer = FREE.poll();
        if (buffer != null && buffer.length >= length) {
            return buffer;
        }
        if (length > LARGEST) {
            return new byte[length];
        }
        return new byte[Math.max(length, Math.min(LARGEST, Integer.highestOneBit(length) << 1))];
    }

    /** Gives back an array nothing refers to any more. */
    static void give(byte[] buffer) {
        if (buffer.length <= LARGEST) {
            FREE.offer(buffer);
        }
    }
}
