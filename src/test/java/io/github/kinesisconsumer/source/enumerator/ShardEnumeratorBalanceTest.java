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
 * Balance across readers when they register late, after a reader fails, and after a restore:
 * against kinesis-local, driven through Flink's mock enumerator context.
 */
class ShardEnumeratorBalanceTest {

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
    void sixteenShardsWaitForFourLateReadersAndGoFourEach() throws Throwable {
        TestStream stream = KINESIS.createStream(16);
        CountingContext ctx = context(4, 0);
        ShardEnumerator enumerator = enumerator(ctx, stream, Duration.ofMinutes(5));
        enumerator.start();
        ctx.runPeriodicCallable(0);
        assertThat(ctx.getSplitsAssignmentSequence())
                .as("one of four readers registered: nothing is assigned yet")
                .isEmpty();
        for (int reader = 1; reader < 4; reader++) {
            ctx.registerReader(new ReaderInfo(reader, "host-" + reader));
            enumerator.addReader(reader);
        }
        Map<Integer, List<ShardSplit>> byReader = assignedByReader(ctx, 0);
        assertThat(byReader.keySet()).containsExactly(0, 1, 2, 3);
        byReader.values().forEach(splits -> assertThat(splits).hasSize(4));
    }

    @Test
    void afterTheRegistrationTimeoutTheRegisteredReadersGetEveryShard() throws Throwable {
        TestStream stream = KINESIS.createStream(4);
        CountingContext ctx = context(2, 1);
        ShardEnumerator enumerator =
                enumerator(ctx, stream, Duration.ofMinutes(5))
                        .readerRegistrationTimeout(Duration.ofMillis(100));
        enumerator.start();
        ctx.runPeriodicCallable(0);
        assertThat(ctx.getSplitsAssignmentSequence()).as("reader 0 is missing").isEmpty();
        Thread.sleep(150);
        ctx.runPeriodicCallable(1);
        Map<Integer, List<ShardSplit>> byReader = assignedByReader(ctx, 0);
        assertThat(byReader.keySet()).containsExactly(1);
        assertThat(ids(byReader.get(1))).containsExactlyInAnyOrderElementsOf(stream.shardIds());
    }

    @Test
    void splitsOfAFailedReaderGoBackToItWhenItReturns() throws Throwable {
        TestStream stream = KINESIS.createStream(4);
        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator = enumerator(ctx, stream, Duration.ofMinutes(5));
        enumerator.start();
        ctx.runPeriodicCallable(0);
        List<ShardSplit> ofReader1 = assignedByReader(ctx, 0).get(1);
        assertThat(ofReader1).hasSize(2);
        int before = ctx.getSplitsAssignmentSequence().size();

        ctx.unregisterReader(1);
        enumerator.addSplitsBack(ofReader1, 1);
        assertThat(ctx.getSplitsAssignmentSequence())
                .as("the returned splits wait for their reader instead of piling onto reader 0")
                .hasSize(before);
        ctx.registerReader(new ReaderInfo(1, "host-1"));
        enumerator.addReader(1);
        Map<Integer, List<ShardSplit>> again = assignedByReader(ctx, before);
        assertThat(again.keySet()).containsExactly(1);
        assertThat(ids(again.get(1))).containsExactlyInAnyOrderElementsOf(ids(ofReader1));
    }

    @Test
    void restoredReadersReportWhatTheyOwnAndNewShardsGoToTheLeastLoaded() throws Throwable {
        TestStream stream = KINESIS.createStream(4);
        List<String> shards = stream.shardIds();
        CountingContext first = context(2, 0, 1);
        ShardEnumerator original = enumerator(first, stream, Duration.ofMinutes(5));
        original.start();
        first.runPeriodicCallable(0);
        KinesisEnumeratorState state = original.snapshotState(1);

        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator restored =
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
                        state,
                        null);
        toClose.add(restored);
        restored.start();
        restored.addReader(0);
        restored.addReader(1);
        restored.handleSourceEvent(0, new OwnedShardsEvent(shards));
        restored.handleSourceEvent(1, new OwnedShardsEvent(List.of()));
        ctx.runPeriodicCallable(0);
        assertThat(ctx.getSplitsAssignmentSequence()).as("nothing new to assign").isEmpty();

        stream.split(shards.get(0));
        restored.handleSourceEvent(0, new ShardsFinishedEvent(List.of(shards.get(0))));
        for (int i = 0; i < 5 && !ctx.getOneTimeCallables().isEmpty(); i++) {
            ctx.runNextOneTimeCallable();
        }
        Map<Integer, List<ShardSplit>> children = assignedByReader(ctx, 0);
        assertThat(children.keySet())
                .as("both children go to reader 1, which owns nothing against reader 0's three")
                .containsExactly(1);
        assertThat(children.get(1)).hasSize(2);
    }

    private CountingContext context(int parallelism, int... readers) {
        CountingContext ctx = new CountingContext(parallelism);
        for (int r : readers) {
            ctx.registerReader(new ReaderInfo(r, "host-" + r));
        }
        toClose.add(ctx);
        return ctx;
    }

    private ShardEnumerator enumerator(CountingContext ctx, TestStream stream, Duration interval) {
        ShardEnumerator enumerator =
                new ShardEnumerator(
                        ctx,
                        stream.ref(),
                        KINESIS.clientSettings(),
                        StartingPosition.trimHorizon(),
                        "test-app",
                        null,
                        interval,
                        false,
                        ShardSplit.NO_STOP,
                        null,
                        null);
        toClose.add(enumerator);
        return enumerator;
    }
}
