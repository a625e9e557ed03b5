package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamNotFoundException;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The enumerator against kinesis-local, driven through Flink's {@link MockSplitEnumeratorContext}:
 * async calls run only when a test runs them, so each step's assignments can be checked.
 */
class ShardEnumeratorTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final String S0 = "shardId-000000000000";
    private static final String S1 = "shardId-000000000001";
    private static final String S2 = "shardId-000000000002";

    /** Short, so tests can let a failed reader's shards go to another reader. */
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofMillis(200);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    // ---------------------------------------------------------------- discovery and balance

    @Test
    void discoversFourShardsAndBalancesTwoPerReader() throws Throwable {
        TestStream stream = KINESIS.createStream(4);
        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator =
                enumerator(ctx, stream.ref(), StartingPosition.latest(), Duration.ofMinutes(5));

        enumerator.start();
        assertThat(ctx.getPeriodicCallables())
                .as(
                        "a non-zero discovery interval lists periodically, beside the registration timer")
                .hasSize(2);
        assertThat(ctx.getOneTimeCallables()).isEmpty();
        assertThat(ctx.getSplitsAssignmentSequence()).as("nothing before the listing").isEmpty();

        long listedFrom = System.currentTimeMillis();
        ctx.runPeriodicCallable(0);
        long listedUntil = System.currentTimeMillis();

        Map<Integer, List<ShardSplit>> byReader = assignedByReader(ctx, 0);
        assertThat(byReader.keySet()).containsExactly(0, 1);
        assertThat(byReader.get(0)).hasSize(2);
        assertThat(byReader.get(1)).hasSize(2);
        assertThat(ids(byReader.get(0)))
                .doesNotContainAnyElementsOf(ids(byReader.get(1)))
                .hasSize(2);
        List<ShardSplit> all = allAssigned(ctx, 0);
        assertThat(ids(all)).containsExactlyInAnyOrderElementsOf(stream.shardIds());
        assertThat(all)
                .allSatisfy(
                        s -> {
                            assertThat(s.startingPosition().type())
                                    .as("LATEST is pinned to the discovery time")
                                    .isEqualTo(StartingPosition.Type.AT_TIMESTAMP);
                            assertThat(s.startingPosition().timestamp().toEpochMilli())
                                    .isBetween(listedFrom, listedUntil);
                            assertThat(s.parentShardIds()).isEmpty();
                            assertThat(s.isBounded()).isFalse();
                            assertThat(s.stopAtArrivalMillis()).isEqualTo(ShardSplit.NO_STOP);
                            assertThat(s.isFinished()).isFalse();
                        });

        int before = ctx.getSplitsAssignmentSequence().size();
        ctx.runPeriodicCallable(0);
        assertThat(ctx.getSplitsAssignmentSequence())
                .as("a second tick finds no new shards and assigns nothing again")
                .hasSize(before);
        assertThat(ctx.noMoreSplitsSignals(0)).as("unbounded never ends").isZero();
        assertThat(ctx.noMoreSplitsSignals(1)).isZero();
    }

    @Test
    void readersRegisteringAfterDiscoveryShareTheShards() throws Throwable {
        TestStream stream = KINESIS.createStream(4);
        CountingContext ctx = context(2);
        ShardEnumerator enumerator =
                enumerator(ctx, stream.ref(), StartingPosition.trimHorizon(), Duration.ZERO);

        enumerator.start();
        assertThat(ctx.getPeriodicCallables())
                .as("Duration.ZERO lists once; only the registration timer is periodic")
                .hasSize(1);
        assertThat(ctx.getOneTimeCallables()).hasSize(1);
        ctx.runNextOneTimeCallable();
        assertThat(ctx.getSplitsAssignmentSequence()).as("no reader yet").isEmpty();

        ctx.registerReader(new ReaderInfo(1, "host-1"));
        enumerator.addReader(1);
        assertThat(ctx.getSplitsAssignmentSequence())
                .as("one of two readers: the first assignment waits for the other")
                .isEmpty();

        ctx.registerReader(new ReaderInfo(0, "host-0"));
        enumerator.addReader(0);
        assertThat(ctx.getOneTimeCallables()).as("no new listing needed").isEmpty();
        Map<Integer, List<ShardSplit>> byReader = assignedByReader(ctx, 0);
        assertThat(byReader.keySet()).containsExactly(0, 1);
        assertThat(byReader.get(0)).hasSize(2);
        assertThat(byReader.get(1)).hasSize(2);
        assertThat(ids(allAssigned(ctx, 0))).containsExactlyInAnyOrderElementsOf(stream.shardIds());
        assertThat(allAssigned(ctx, 0))
                .extracting(ShardSplit::startingPosition)
                .containsOnly(StartingPosition.trimHorizon());
    }

    // ---------------------------------------------------------------- lineage

    @Test
    void childrenOfASplitWaitForTheParentsFinishAndAreThenAssignedAtOnce() throws Throwable {
        TestStream stream = KINESIS.createStream(2);
        stream.split(S0);
        List<String> children = childrenOf(stream, S0);
        assertThat(children).hasSize(2);
        Instant initial = Instant.ofEpochMilli(1_600_000_000_000L);

        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator =
                enumerator(ctx, stream.ref(), StartingPosition.atTimestamp(initial), Duration.ZERO);
        enumerator.start();
        ctx.runNextOneTimeCallable();

        assertThat(ids(allAssigned(ctx, 0)))
                .as("the closed parent and the untouched shard; the children wait")
                .containsExactlyInAnyOrder(S0, S1);
        int owner = ownerOf(ctx, S0);

        // some other shard finishing does not release the children
        int before = ctx.getSplitsAssignmentSequence().size();
        enumerator.handleSourceEvent(ownerOf(ctx, S1), new ShardsFinishedEvent(List.of(S1)));
        runAll(ctx); // S1 has no known children: the enumerator lists once to look for them
        assertThat(ctx.getSplitsAssignmentSequence()).hasSize(before);

        enumerator.handleSourceEvent(owner, new ShardsFinishedEvent(List.of(S0)));

        // assigned inside handleSourceEvent: no async call was run
        List<ShardSplit> released = allAssigned(ctx, before);
        assertThat(ids(released)).containsExactlyInAnyOrderElementsOf(children);
        assertThat(released)
                .allSatisfy(
                        s -> {
                            assertThat(s.parentShardIds()).containsExactly(S0);
                            // the children were known at the first discovery, so they start at
                            // the configured initial position, not at TRIM_HORIZON
                            assertThat(s.startingPosition())
                                    .isEqualTo(StartingPosition.atTimestamp(initial));
                        });
        assertThat(ctx.getOneTimeCallables())
                .as("children already known: no extra listing")
                .isEmpty();
        assertThat(assignedByReader(ctx, before).values())
                .as("the two children are spread over both readers")
                .allSatisfy(l -> assertThat(l).hasSize(1));
    }

    @Test
    void childrenFoundAfterTheFirstDiscoveryStartAtTrimHorizon() throws Throwable {
        TestStream stream = KINESIS.createStream(2);
        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator =
                enumerator(ctx, stream.ref(), StartingPosition.latest(), Duration.ofMinutes(5));
        enumerator.start();
        ctx.runPeriodicCallable(0);
        assertThat(ids(allAssigned(ctx, 0))).containsExactlyInAnyOrder(S0, S1);

        stream.split(S0);
        List<String> children = childrenOf(stream, S0);

        int before = ctx.getSplitsAssignmentSequence().size();
        enumerator.handleSourceEvent(ownerOf(ctx, S0), new ShardsFinishedEvent(List.of(S0)));
        assertThat(ctx.getSplitsAssignmentSequence())
                .as("children unknown yet: nothing to assign before listing")
                .hasSize(before);
        assertThat(ctx.getOneTimeCallables())
                .as("a finished shard without known children triggers a listing at once")
                .hasSize(1);

        ctx.runNextOneTimeCallable();

        List<ShardSplit> released = allAssigned(ctx, before);
        assertThat(ids(released)).containsExactlyInAnyOrderElementsOf(children);
        assertThat(released)
                .extracting(ShardSplit::startingPosition)
                .containsOnly(StartingPosition.trimHorizon());
        assertThat(released).allSatisfy(s -> assertThat(s.parentShardIds()).containsExactly(S0));
    }

    @Test
    void mergeChildWaitsForBothParents() throws Throwable {
        TestStream stream = KINESIS.createStream(2);
        stream.merge(S0, S1);
        String merged = null;
        for (ShardInfo s : stream.shards()) {
            if (s.parentShardIds().size() == 2) {
                merged = s.shardId();
            }
        }
        assertThat(merged).isNotNull();

        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator =
                enumerator(ctx, stream.ref(), StartingPosition.trimHorizon(), Duration.ZERO);
        enumerator.start();
        ctx.runNextOneTimeCallable();
        assertThat(ids(allAssigned(ctx, 0))).containsExactlyInAnyOrder(S0, S1);

        int before = ctx.getSplitsAssignmentSequence().size();
        enumerator.handleSourceEvent(ownerOf(ctx, S0), new ShardsFinishedEvent(List.of(S0)));
        runAll(ctx);
        assertThat(ctx.getSplitsAssignmentSequence())
                .as("one parent finished is not enough")
                .hasSize(before);

        enumerator.handleSourceEvent(ownerOf(ctx, S1), new ShardsFinishedEvent(List.of(S1)));

        List<ShardSplit> released = allAssigned(ctx, before);
        assertThat(ids(released)).containsExactly(merged);
        assertThat(released.get(0).parentShardIds()).containsExactlyInAnyOrder(S0, S1);
        assertThat(released.get(0).startingPosition()).isEqualTo(StartingPosition.trimHorizon());
    }

    // ---------------------------------------------------------------- failures

    @Test
    void splitsAddedBackAreReassignedToARegisteredReader() throws Throwable {
        TestStream stream = KINESIS.createStream(2);
        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator =
                enumerator(ctx, stream.ref(), StartingPosition.latest(), Duration.ZERO);
        enumerator.start();
        ctx.runNextOneTimeCallable();
        List<ShardSplit> ofReader1 = assignedByReader(ctx, 0).get(1);
        assertThat(ofReader1).hasSize(1);

        // reader 1 fails; the split it held comes back, e.g. with a resumed position
        ShardSplit resumed =
                ofReader1.get(0).withPosition(StartingPosition.afterSequenceNumber("123", 4));
        ctx.unregisterReader(1);
        int before = ctx.getSplitsAssignmentSequence().size();
        enumerator.addSplitsBack(List.of(resumed), 1);
        assertThat(ctx.getSplitsAssignmentSequence())
                .as("the split waits for its reader to come back")
                .hasSize(before);
        expireRegistrationWait(ctx);

        Map<Integer, List<ShardSplit>> reassigned = assignedByReader(ctx, before);
        assertThat(reassigned.keySet()).as("only reader 0 is registered").containsExactly(0);
        assertThat(reassigned.get(0)).containsExactly(resumed);

        // with no reader registered the split stays in the pool until one registers
        ctx.unregisterReader(0);
        before = ctx.getSplitsAssignmentSequence().size();
        enumerator.addSplitsBack(List.of(resumed), 0);
        assertThat(ctx.getSplitsAssignmentSequence()).hasSize(before);
        assertThat(enumerator.snapshotState(1).unassignedSplits()).containsExactly(resumed);

        ctx.registerReader(new ReaderInfo(1, "host-1"));
        enumerator.addReader(1);
        expireRegistrationWait(ctx);
        assertThat(assignedByReader(ctx, before)).containsOnlyKeys(1);
        assertThat(assignedByReader(ctx, before).get(1)).containsExactly(resumed);
        assertThat(enumerator.snapshotState(2).unassignedSplits()).isEmpty();
    }

    @Test
    void finishNotCoveredByACompletedCheckpointIsRevokedWhenItsReaderFails() throws Throwable {
        TestStream stream = KINESIS.createStream(2);
        stream.split(S1);
        List<String> children = childrenOf(stream, S1);

        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator =
                enumerator(ctx, stream.ref(), StartingPosition.trimHorizon(), Duration.ZERO);
        enumerator.start();
        ctx.runNextOneTimeCallable();
        assertThat(ownerOf(ctx, S0)).isEqualTo(0);
        assertThat(ownerOf(ctx, S1)).as("precondition: subtask 1 reads the parent").isEqualTo(1);

        enumerator.snapshotState(1);
        enumerator.notifyCheckpointComplete(1);

        // subtask 1 finishes the parent after checkpoint 1: it starts one child at once; the
        // other would go to subtask 0, so it waits for the next completed checkpoint
        int afterCp1 = ctx.getSplitsAssignmentSequence().size();
        enumerator.handleSourceEvent(1, new ShardsFinishedEvent(List.of(S1)));
        List<ShardSplit> childrenOf1 = assignedByReader(ctx, afterCp1).get(1);
        assertThat(childrenOf1).as("subtask 1 got a child after checkpoint 1").hasSize(1);
        assertThat(allAssigned(ctx, afterCp1)).containsExactlyElementsOf(childrenOf1);

        // subtask 1 fails before the next checkpoint: Flink returns what it got since cp 1
        ctx.unregisterReader(1);
        int beforeFailure = ctx.getSplitsAssignmentSequence().size();
        enumerator.addSplitsBack(childrenOf1, 1);

        assertThat(ctx.getSplitsAssignmentSequence())
                .as("the returned children wait: their parent counts as unfinished again")
                .hasSize(beforeFailure);
        KinesisEnumeratorState afterFailure = enumerator.snapshotState(2);
        assertThat(afterFailure.finishedShards()).doesNotContain(S1);
        assertThat(afterFailure.assignedShards())
                .as("the restored subtask reads the parent again from its own state")
                .contains(S1);
        assertThat(afterFailure.unassignedSplits())
                .extracting(ShardSplit::shardId)
                .containsExactlyInAnyOrderElementsOf(children);

        // subtask 1 comes back; still nothing until it finishes the parent again
        ctx.registerReader(new ReaderInfo(1, "host-1"));
        enumerator.addReader(1);
        assertThat(ctx.getSplitsAssignmentSequence()).hasSize(beforeFailure);

        enumerator.handleSourceEvent(1, new ShardsFinishedEvent(List.of(S1)));
        assertThat(allAssigned(ctx, beforeFailure))
                .as("the second finish releases the returned child")
                .containsAll(childrenOf1);

        // this finish is covered by a completed checkpoint: a later failure keeps it
        enumerator.snapshotState(3);
        enumerator.notifyCheckpointComplete(3);
        ctx.unregisterReader(1);
        enumerator.addSplitsBack(List.of(), 1);

        KinesisEnumeratorState kept = enumerator.snapshotState(4);
        assertThat(kept.finishedShards()).contains(S1);
        assertThat(kept.assignedShards()).doesNotContain(S1).containsAll(children);
        assertThat(kept.unassignedSplits()).isEmpty();
    }

    @Test
    void finishBeforeTheSnapshotOfACompletedCheckpointSurvivesFailure() throws Throwable {
        TestStream stream = KINESIS.createStream(2);
        stream.split(S1);
        List<String> children = childrenOf(stream, S1);

        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator =
                enumerator(ctx, stream.ref(), StartingPosition.trimHorizon(), Duration.ZERO);
        enumerator.start();
        ctx.runNextOneTimeCallable();
        int owner = ownerOf(ctx, S1);

        int before = ctx.getSplitsAssignmentSequence().size();
        enumerator.handleSourceEvent(owner, new ShardsFinishedEvent(List.of(S1)));
        List<ShardSplit> released = allAssigned(ctx, before);
        assertThat(ids(released)).containsExactlyInAnyOrderElementsOf(children);

        enumerator.snapshotState(7);
        enumerator.notifyCheckpointComplete(7);

        // the owner fails; suppose its children came back (e.g. assigned to it after cp 7)
        ctx.unregisterReader(owner);
        int other = 1 - owner;
        int beforeBack = ctx.getSplitsAssignmentSequence().size();
        enumerator.addSplitsBack(released, owner);
        expireRegistrationWait(ctx);

        assertThat(enumerator.snapshotState(8).finishedShards()).contains(S1);
        Map<Integer, List<ShardSplit>> reassigned = assignedByReader(ctx, beforeBack);
        assertThat(reassigned.keySet())
                .as("parent finish kept: children go straight to the other reader")
                .containsExactly(other);
        assertThat(reassigned.get(other)).containsExactlyInAnyOrderElementsOf(released);
    }

    // ---------------------------------------------------------------- checkpoint and restore

    @Test
    void snapshotAndRestoreKeepAssignedFinishedAndUnassigned() throws Throwable {
        TestStream stream = KINESIS.createStream(3);
        stream.merge(S1, S2);
        String merged = null;
        for (ShardInfo s : stream.shards()) {
            if (s.parentShardIds().size() == 2) {
                merged = s.shardId();
            }
        }
        assertThat(merged).isNotNull();

        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator first =
                enumerator(ctx, stream.ref(), StartingPosition.latest(), Duration.ZERO);
        first.start();
        ctx.runNextOneTimeCallable();
        assertThat(ids(allAssigned(ctx, 0))).containsExactlyInAnyOrder(S0, S1, S2);
        first.handleSourceEvent(ownerOf(ctx, S1), new ShardsFinishedEvent(List.of(S1)));

        KinesisEnumeratorStateSerializer serializer = new KinesisEnumeratorStateSerializer();
        KinesisEnumeratorState state =
                serializer.deserialize(
                        serializer.getVersion(), serializer.serialize(first.snapshotState(5)));
        assertThat(state.knownShards())
                .extracting(ShardInfo::shardId)
                .containsExactlyInAnyOrder(S0, S1, S2, merged);
        assertThat(state.assignedShards()).containsExactlyInAnyOrder(S0, S2);
        assertThat(state.finishedShards()).containsExactly(S1);
        assertThat(state.unassignedSplits())
                .extracting(ShardSplit::shardId)
                .containsExactly(merged);
        // with LATEST, a shard that waits for its parents starts at the first discovery's time
        assertThat(state.unassignedSplits().get(0).startingPosition().type())
                .isEqualTo(StartingPosition.Type.AT_TIMESTAMP);
        assertThat(state.initialDiscoveryDone()).isTrue();
        first.close();

        // the stream changes while the job is down
        stream.split(S0);
        List<String> newChildren = childrenOf(stream, S0);

        CountingContext ctx2 = context(2, 0, 1);
        ShardEnumerator restored =
                new ShardEnumerator(
                        ctx2,
                        stream.ref(),
                        KINESIS.clientSettings(),
                        StartingPosition.latest(),
                        "test-app",
                        null,
                        Duration.ZERO,
                        false,
                        ShardSplit.NO_STOP,
                        state,
                        null);
        toClose.add(restored);
        restored.start();
        runAll(ctx2);

        assertThat(ctx2.getSplitsAssignmentSequence())
                .as("assigned shards stay with their readers; the rest wait for parents")
                .isEmpty();
        KinesisEnumeratorState now = restored.snapshotState(6);
        assertThat(now.assignedShards()).containsExactlyInAnyOrder(S0, S2);
        assertThat(now.finishedShards()).containsExactly(S1);
        assertThat(now.unassignedSplits())
                .extracting(ShardSplit::shardId)
                .containsExactlyInAnyOrder(merged, newChildren.get(0), newChildren.get(1));

        restored.handleSourceEvent(0, new ShardsFinishedEvent(List.of(S2)));
        List<ShardSplit> mergeChild = allAssigned(ctx2, 0);
        assertThat(ids(mergeChild)).containsExactly(merged);
        assertThat(mergeChild.get(0).startingPosition())
                .as("known before the snapshot: keeps the position it was created with")
                .isEqualTo(state.unassignedSplits().get(0).startingPosition());

        int before = ctx2.getSplitsAssignmentSequence().size();
        restored.handleSourceEvent(1, new ShardsFinishedEvent(List.of(S0)));
        runAll(ctx2);
        // a child for the other reader starts once the finish is in a completed checkpoint
        restored.snapshotState(7);
        restored.notifyCheckpointComplete(7);
        List<ShardSplit> splitChildren = allAssigned(ctx2, before);
        assertThat(ids(splitChildren)).containsExactlyInAnyOrderElementsOf(newChildren);
        assertThat(splitChildren)
                .as("discovered after restore: TRIM_HORIZON, not the initial LATEST")
                .extracting(ShardSplit::startingPosition)
                .containsOnly(StartingPosition.trimHorizon());
    }

    // ---------------------------------------------------------------- bounded

    @Test
    void boundedSignalsNoMoreSplitsOnlyOnceEveryKnownShardIsFinished() throws Throwable {
        TestStream stream = KINESIS.createStream(2);
        long stopAt = System.currentTimeMillis() + Duration.ofHours(1).toMillis();
        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator =
                new ShardEnumerator(
                        ctx,
                        stream.ref(),
                        KINESIS.clientSettings(),
                        StartingPosition.trimHorizon(),
                        "test-app",
                        null,
                        Duration.ofMinutes(5),
                        true,
                        stopAt,
                        null,
                        null);
        toClose.add(enumerator);

        enumerator.start();
        assertThat(ctx.getPeriodicCallables())
                .as("bounded lists once; only the registration timer is periodic")
                .hasSize(1);
        runAll(ctx);
        List<ShardSplit> first = allAssigned(ctx, 0);
        assertThat(ids(first)).containsExactlyInAnyOrder(S0, S1);
        assertThat(first).allSatisfy(s -> assertThat(s.stopAtArrivalMillis()).isEqualTo(stopAt));
        assertNoSignal(ctx, "shards are assigned but not finished");

        // the stream is resharded before the stop time: the children hold records to read
        stream.split(S0);
        List<String> children = childrenOf(stream, S0);

        int before = ctx.getSplitsAssignmentSequence().size();
        enumerator.handleSourceEvent(ownerOf(ctx, S0), new ShardsFinishedEvent(List.of(S0)));
        assertNoSignal(ctx, "S0 finished, S1 still read, children not yet listed");
        runAll(ctx);
        List<ShardSplit> released = allAssigned(ctx, before);
        assertThat(ids(released)).containsExactlyInAnyOrderElementsOf(children);
        assertThat(released)
                .allSatisfy(
                        s -> {
                            assertThat(s.stopAtArrivalMillis()).isEqualTo(stopAt);
                            assertThat(s.startingPosition())
                                    .isEqualTo(StartingPosition.trimHorizon());
                        });
        assertNoSignal(ctx, "children just assigned");

        enumerator.handleSourceEvent(ownerOf(ctx, S1), new ShardsFinishedEvent(List.of(S1)));
        runAll(ctx);
        assertNoSignal(ctx, "children not finished");

        enumerator.handleSourceEvent(
                ownerOf(ctx, children.get(0)), new ShardsFinishedEvent(children.subList(0, 1)));
        runAll(ctx);
        assertNoSignal(ctx, "one child still read");

        enumerator.handleSourceEvent(
                ownerOf(ctx, children.get(1)), new ShardsFinishedEvent(children.subList(1, 2)));
        runAll(ctx);
        assertThat(ctx.noMoreSplitsSignals(0)).isEqualTo(1);
        assertThat(ctx.noMoreSplitsSignals(1)).isEqualTo(1);
        assertThat(ctx.hasNoMoreSplits(0)).isTrue();
        assertThat(ctx.hasNoMoreSplits(1)).isTrue();

        // a repeated finish (a restored reader re-reporting) does not signal twice
        enumerator.handleSourceEvent(0, new ShardsFinishedEvent(List.of(S0)));
        runAll(ctx);
        assertThat(ctx.noMoreSplitsSignals(0)).isEqualTo(1);
        assertThat(ctx.noMoreSplitsSignals(1)).isEqualTo(1);
    }

    @Test
    void boundedListsForChildrenOfTheLastFinishedShardBeforeSignallingTheEnd() throws Throwable {
        TestStream stream = KINESIS.createStream(1);
        long stopAt = System.currentTimeMillis() + Duration.ofHours(1).toMillis();
        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator =
                new ShardEnumerator(
                        ctx,
                        stream.ref(),
                        KINESIS.clientSettings(),
                        StartingPosition.trimHorizon(),
                        "test-app",
                        null,
                        Duration.ZERO,
                        true,
                        stopAt,
                        null,
                        null);
        toClose.add(enumerator);
        enumerator.start();
        runAll(ctx);
        assertThat(ids(allAssigned(ctx, 0))).containsExactly(S0);

        // the only known shard is split before the stop time, then read to its end
        stream.split(S0);
        List<String> children = childrenOf(stream, S0);
        int before = ctx.getSplitsAssignmentSequence().size();
        enumerator.handleSourceEvent(ownerOf(ctx, S0), new ShardsFinishedEvent(List.of(S0)));
        assertNoSignal(ctx, "every known shard is finished, but the listing for children is due");

        runAll(ctx);
        assertThat(ids(allAssigned(ctx, before))).containsExactlyInAnyOrderElementsOf(children);
        assertNoSignal(ctx, "children just assigned");

        for (String child : children) {
            enumerator.handleSourceEvent(
                    ownerOf(ctx, child), new ShardsFinishedEvent(List.of(child)));
            runAll(ctx);
        }
        assertThat(ctx.noMoreSplitsSignals(0)).isEqualTo(1);
        assertThat(ctx.noMoreSplitsSignals(1)).isEqualTo(1);
    }

    @Test
    void boundedWithAClosedParentWaitsForItsChildren() throws Throwable {
        TestStream stream = KINESIS.createStream(1);
        stream.split(S0);
        List<String> children = childrenOf(stream, S0);
        long stopAt = System.currentTimeMillis();
        CountingContext ctx = context(2, 0, 1);
        ShardEnumerator enumerator =
                new ShardEnumerator(
                        ctx,
                        stream.ref(),
                        KINESIS.clientSettings(),
                        StartingPosition.trimHorizon(),
                        "test-app",
                        null,
                        Duration.ZERO,
                        true,
                        stopAt,
                        null,
                        null);
        toClose.add(enumerator);
        enumerator.start();
        runAll(ctx);
        assertThat(ids(allAssigned(ctx, 0))).containsExactly(S0);
        assertNoSignal(ctx, "the children still wait for S0");

        enumerator.handleSourceEvent(ownerOf(ctx, S0), new ShardsFinishedEvent(List.of(S0)));
        runAll(ctx);
        assertThat(ids(allAssigned(ctx, 0)))
                .containsExactlyInAnyOrder(S0, children.get(0), children.get(1));

        for (String child : children) {
            enumerator.handleSourceEvent(
                    ownerOf(ctx, child), new ShardsFinishedEvent(List.of(child)));
            runAll(ctx);
        }
        assertThat(ctx.noMoreSplitsSignals(0)).isEqualTo(1);
        assertThat(ctx.noMoreSplitsSignals(1)).isEqualTo(1);

        // a reader restarting after the end (its finishes checkpointed) is told again at once
        enumerator.snapshotState(1);
        enumerator.notifyCheckpointComplete(1);
        ctx.unregisterReader(1);
        enumerator.addSplitsBack(List.of(), 1);
        ctx.registerReader(new ReaderInfo(1, "host-1"));
        enumerator.addReader(1);
        assertThat(ctx.noMoreSplitsSignals(1)).isEqualTo(2);
    }

    // ---------------------------------------------------------------- missing stream

    @Test
    void missingStreamFailsTheFirstDiscovery() {
        String name = KINESIS.uniqueName();
        CountingContext ctx = context(1, 0);
        ShardEnumerator enumerator =
                enumerator(ctx, StreamRef.ofName(name), StartingPosition.latest(), Duration.ZERO);
        enumerator.start();

        assertThatThrownBy(ctx::runNextOneTimeCallable)
                .isInstanceOf(StreamNotFoundException.class)
                .hasMessageContaining(name)
                .satisfies(
                        e ->
                                assertThat(((StreamNotFoundException) e).streamName())
                                        .isEqualTo(name));
        assertThat(ctx.getSplitsAssignmentSequence()).isEmpty();
    }

    @Test
    void missingStreamFailsTheFirstPeriodicDiscovery() {
        String name = KINESIS.uniqueName();
        CountingContext ctx = context(1, 0);
        ShardEnumerator enumerator =
                enumerator(
                        ctx,
                        StreamRef.ofName(name),
                        StartingPosition.latest(),
                        Duration.ofMinutes(1));
        enumerator.start();

        assertThatThrownBy(() -> ctx.runPeriodicCallable(0))
                .isInstanceOf(StreamNotFoundException.class)
                .hasMessageContaining(name);
    }

    @Test
    void streamDeletedAfterTheFirstDiscoveryOnlyLogs() throws Throwable {
        TestStream stream = KINESIS.createStream(1);
        CountingContext ctx = context(1, 0);
        ShardEnumerator enumerator =
                enumerator(ctx, stream.ref(), StartingPosition.latest(), Duration.ofMinutes(1));
        enumerator.start();
        ctx.runPeriodicCallable(0);
        assertThat(ids(allAssigned(ctx, 0))).containsExactly(S0);

        KINESIS.client()
                .deleteStream(r -> r.streamName(stream.name()).enforceConsumerDeletion(true))
                .join();
        awaitGone(stream.name());

        ctx.runPeriodicCallable(0); // does not throw: later discoveries only log
        assertThat(ctx.getSplitsAssignmentSequence()).hasSize(1);
    }

    // ---------------------------------------------------------------- helpers

    /** Counts signalNoMoreSplits calls per reader (the mock keeps only a flag). */
    static final class CountingContext extends MockSplitEnumeratorContext<ShardSplit> {
        private final Map<Integer, Integer> noMoreSplits = new HashMap<>();

        CountingContext(int parallelism) {
            super(parallelism);
        }

        @Override
        public synchronized void signalNoMoreSplits(int subtask) {
            noMoreSplits.merge(subtask, 1, Integer::sum);
            super.signalNoMoreSplits(subtask);
        }

        synchronized int noMoreSplitsSignals(int subtask) {
            return noMoreSplits.getOrDefault(subtask, 0);
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

    private ShardEnumerator enumerator(
            CountingContext ctx, StreamRef stream, StartingPosition initial, Duration interval) {
        ShardEnumerator enumerator =
                new ShardEnumerator(
                        ctx,
                        stream,
                        KINESIS.clientSettings(),
                        initial,
                        "test-app",
                        null,
                        interval,
                        false,
                        ShardSplit.NO_STOP,
                        null,
                        null);
        enumerator.readerRegistrationTimeout(REGISTRATION_TIMEOUT);
        toClose.add(enumerator);
        return enumerator;
    }

    /** Lets the registration timeout pass and runs the enumerator's timer (the last periodic). */
    private static void expireRegistrationWait(CountingContext ctx) throws Throwable {
        Thread.sleep(REGISTRATION_TIMEOUT.toMillis() + 20);
        ctx.runPeriodicCallable(ctx.getPeriodicCallables().size() - 1);
    }

    private static void runAll(CountingContext ctx) throws Throwable {
        for (int i = 0; i < 20 && !ctx.getOneTimeCallables().isEmpty(); i++) {
            ctx.runNextOneTimeCallable();
        }
        assertThat(ctx.getOneTimeCallables()).as("async calls settle").isEmpty();
    }

    private static void assertNoSignal(CountingContext ctx, String why) {
        assertThat(ctx.noMoreSplitsSignals(0)).as("no end signal to reader 0: " + why).isZero();
        assertThat(ctx.noMoreSplitsSignals(1)).as("no end signal to reader 1: " + why).isZero();
    }

    /** Splits assigned from position {@code from} of the assignment sequence on, per reader. */
    static Map<Integer, List<ShardSplit>> assignedByReader(CountingContext ctx, int from) {
        Map<Integer, List<ShardSplit>> out = new TreeMap<>();
        List<SplitsAssignment<ShardSplit>> seq = ctx.getSplitsAssignmentSequence();
        for (SplitsAssignment<ShardSplit> a : seq.subList(from, seq.size())) {
            for (Map.Entry<Integer, List<ShardSplit>> e : a.assignment().entrySet()) {
                out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue());
            }
        }
        return out;
    }

    private static List<ShardSplit> allAssigned(CountingContext ctx, int from) {
        List<ShardSplit> out = new ArrayList<>();
        assignedByReader(ctx, from).values().forEach(out::addAll);
        return out;
    }

    /** The reader a shard was assigned to last. */
    private static int ownerOf(CountingContext ctx, String shardId) {
        int owner = -1;
        for (SplitsAssignment<ShardSplit> a : ctx.getSplitsAssignmentSequence()) {
            for (Map.Entry<Integer, List<ShardSplit>> e : a.assignment().entrySet()) {
                for (ShardSplit s : e.getValue()) {
                    if (s.shardId().equals(shardId)) {
                        owner = e.getKey();
                    }
                }
            }
        }
        assertThat(owner).as(shardId + " was assigned").isNotNegative();
        return owner;
    }

    static List<String> ids(List<ShardSplit> splits) {
        return splits.stream().map(ShardSplit::shardId).collect(Collectors.toList());
    }

    private static List<String> childrenOf(TestStream stream, String parent) {
        return stream.shards().stream()
                .filter(s -> s.parentShardIds().contains(parent))
                .map(ShardInfo::shardId)
                .sorted()
                .collect(Collectors.toList());
    }

    private static void awaitGone(String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                KINESIS.client().describeStreamSummary(r -> r.streamName(name)).join();
            } catch (RuntimeException e) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("stream " + name + " was not deleted");
    }
}
