package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.enumerator.ShardEnumeratorTest.CountingContext;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.api.connector.source.ReaderInfo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.github.kinesisconsumer.source.enumerator.ShardEnumeratorTest.assignedByReader;
import static io.github.kinesisconsumer.source.enumerator.ShardEnumeratorTest.ids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where and when children start while their parents' last records may still be in flight: only on
 * the reader that finished the parents, or elsewhere after the next completed checkpoint. Against
 * kinesis-local, driven through Flink's mock enumerator context.
 */
class ShardEnumeratorReshardOrderTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void aChildForAnotherReaderWaitsForTheCheckpointAfterItsParentsFinish() throws Throwable {
        TestStream stream = KINESIS.createStream(3);
        List<String> shards = stream.shardIds();
        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator = enumerator(ctx, stream);
        enumerator.start();
        ctx.runPeriodicCallable(0);
        Map<Integer, List<ShardSplit>> initial = assignedByReader(ctx, 0);
        assertThat(ids(initial.get(0))).containsExactly(shards.get(0), shards.get(2));
        enumerator.snapshotState(1);
        enumerator.notifyCheckpointComplete(1);

        int before = ctx.getSplitsAssignmentSequence().size();
        stream.split(shards.get(0));
        enumerator.handleSourceEvent(0, new ShardsFinishedEvent(List.of(shards.get(0))));
        runDiscovery(ctx);
        Map<Integer, List<ShardSplit>> atOnce = assignedByReader(ctx, before);
        assertThat(atOnce.keySet())
                .as("one child starts at once, on the reader that read its parent")
                .containsExactly(0);
        assertThat(atOnce.get(0)).hasSize(1);

        before = ctx.getSplitsAssignmentSequence().size();
        enumerator.snapshotState(2);
        assertThat(ctx.getSplitsAssignmentSequence()).hasSize(before);
        enumerator.notifyCheckpointComplete(2);
        Map<Integer, List<ShardSplit>> afterCheckpoint = assignedByReader(ctx, before);
        assertThat(afterCheckpoint.keySet())
                .as(
                        "the other child goes to the less loaded reader once the finish is checkpointed")
                .containsExactly(1);
        assertThat(afterCheckpoint.get(1)).hasSize(1);
    }

    @Test
    void aMergeOfShardsReadByTwoReadersStartsAfterTheNextCheckpoint() throws Throwable {
        TestStream stream = KINESIS.createStream(2);
        List<String> shards = stream.shardIds();
        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator = enumerator(ctx, stream);
        enumerator.start();
        ctx.runPeriodicCallable(0);
        enumerator.snapshotState(1);
        enumerator.notifyCheckpointComplete(1);

        int before = ctx.getSplitsAssignmentSequence().size();
        stream.merge(shards.get(0), shards.get(1));
        enumerator.handleSourceEvent(0, new ShardsFinishedEvent(List.of(shards.get(0))));
        enumerator.handleSourceEvent(1, new ShardsFinishedEvent(List.of(shards.get(1))));
        runDiscovery(ctx);
        assertThat(ctx.getSplitsAssignmentSequence())
                .as("the child waits: its parents' last records travel on two channels")
                .hasSize(before);
        enumerator.snapshotState(2);
        enumerator.notifyCheckpointComplete(2);
        assertThat(assignedByReader(ctx, before).values().stream().mapToInt(List::size).sum())
                .isEqualTo(1);
    }

    @Test
    void withoutCheckpointsChildrenStartAtOnce() throws Throwable {
        TestStream stream = KINESIS.createStream(2);
        List<String> shards = stream.shardIds();
        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator = enumerator(ctx, stream);
        enumerator.start();
        ctx.runPeriodicCallable(0);

        int before = ctx.getSplitsAssignmentSequence().size();
        stream.merge(shards.get(0), shards.get(1));
        enumerator.handleSourceEvent(0, new ShardsFinishedEvent(List.of(shards.get(0))));
        enumerator.handleSourceEvent(1, new ShardsFinishedEvent(List.of(shards.get(1))));
        runDiscovery(ctx);
        assertThat(assignedByReader(ctx, before).values().stream().mapToInt(List::size).sum())
                .isEqualTo(1);
    }

    private static void runDiscovery(CountingContext ctx) throws Throwable {
        for (int i = 0; i < 5 && !ctx.getOneTimeCallables().isEmpty(); i++) {
            ctx.runNextOneTimeCallable();
        }
    }

    private CountingContext context(int parallelism, int... readers) {
        CountingContext ctx = new CountingContext(parallelism);
        for (int r : readers) {
            ctx.registerReader(new ReaderInfo(r, "host-" + r));
        }
        toClose.add(ctx);
        return ctx;
    }

    private ShardEnumerator enumerator(CountingContext ctx, TestStream stream) {
        ShardEnumerator enumerator =
                new ShardEnumerator(
                        ctx,
                        stream.ref(),
                        KINESIS.clientSettings(),
                        StartingPosition.trimHorizon(),
                        "test-app",
                        null,
                        Duration.ofMinutes(5),
                        false,
                        ShardSplit.NO_STOP,
                        null,
                        null);
        toClose.add(enumerator);
        return enumerator;
    }
}
