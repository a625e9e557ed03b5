package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.store.Checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@link ConsumerGroup} that writes a journal line for every fenced checkpoint (accepted or
 * rejected) and, through {@link #delivered}, for every delivered record, each as one unbuffered
 * write, so a worker killed with SIGKILL loses no line it wrote. Lines:
 *
 * <pre>
 * D &lt;epoch ms&gt; &lt;shard&gt; &lt;sequence&gt; &lt;payload&gt;      a record went to the callback
 * C &lt;epoch ms&gt; &lt;shard&gt; &lt;sequence&gt; A|R|F|X       checkpoint accepted, rejected; finish accepted, rejected
 * </pre>
 *
 * The time of a C line is taken after the lease write answered, so a checkpoint journaled at t was
 * in the lease table before t.
 */
final class JournalingGroup extends ForwardingGroup {

    private final OutputStream out;

    JournalingGroup(ConsumerGroup group, OutputStream out) {
        super(group);
        this.out = out;
    }

    /** Journals a delivery; {@code millis} taken when the callback began. */
    void delivered(long millis, String shardId, String sequence, String payload) {
        line("D " + millis + " " + shardId + " " + sequence + " " + payload);
    }

    private synchronized void line(String text) {
        try {
            out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean checkpoint(String shardId, Checkpoint checkpoint) {
        boolean ok = super.checkpoint(shardId, checkpoint);
        line(checkpointLine(shardId, checkpoint, ok ? "A" : "R"));
        return ok;
    }

    @Override
    public boolean finished(String shardId, Checkpoint checkpoint) {
        boolean ok = super.finished(shardId, checkpoint);
        line(checkpointLine(shardId, checkpoint, ok ? "F" : "X"));
        return ok;
    }

    private static String checkpointLine(String shardId, Checkpoint at, String outcome) {
        return "C "
                + System.currentTimeMillis()
                + " "
                + shardId
                + " "
                + at.sequenceNumber()
                + " "
                + outcome;
    }
}
