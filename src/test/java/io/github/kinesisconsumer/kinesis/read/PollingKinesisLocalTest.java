package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.kinesis.KinesisCallException;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.wire.RawRecord;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The poller against kinesis-local (kinesis-mock). */
class PollingKinesisLocalTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    @Test
    void readsEveryRecordOnceInSequenceOrderPerShard() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        List<WrittenRecord> written = stream.putSequential(8_000, 400);

        PollingReader reader = readAll(stream, StartingPosition.trimHorizon(), 8_000);

        assertExactlyOnceInOrder(written, reader);
        assertThat(reader.byShard).hasSize(4);
    }

    @Test
    void atTimestampStartsAtFirstRecordWrittenAfterIt() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        stream.putSequential(200, 10);
        Thread.sleep(1_100);
        Instant cut = Instant.now();
        Thread.sleep(1_100);
        List<WrittenRecord> after =
                stream.put(300, i -> "pk-" + (i % 10), i -> Integer.toString(1000 + i));

        PollingReader reader = readAll(stream, StartingPosition.atTimestamp(cut), 300);
        Thread.sleep(500);

        assertExactlyOnceInOrder(after, reader);
    }

    @Test
    void afterSequenceNumberStartsAfterThatRecord() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        List<WrittenRecord> written = stream.putSequential(500, 10);
        WrittenRecord pivot = written.get(199);

        PollingReader reader =
                readAll(stream, StartingPosition.afterSequenceNumber(pivot.sequenceNumber), 300);
        assertExactlyOnceInOrder(written.subList(200, 500), reader);

        PollingReader at =
                readAll(stream, StartingPosition.atSequenceNumber(pivot.sequenceNumber), 301);
        assertExactlyOnceInOrder(written.subList(199, 500), at);
    }

    @Test
    void latestSkipsRecordsWrittenBefore() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        stream.putSequential(100, 5);
        try (KinesisAsyncClient client = KINESIS.clientSettings().createAsyncClient();
                ShardReader poller =
                        ShardReader.polling(client, stream.ref(), PollerOptions.defaults())) {
            poller.addShard(stream.shardIds().get(0), StartingPosition.latest());
            PollingReader reader = new PollingReader();
            reader.drainFor(poller, Duration.ofSeconds(1));
            List<WrittenRecord> fresh = stream.put(50, i -> "k", i -> "new-" + i);
            reader.readUntil(poller, 50, 1, Duration.ofSeconds(20));
            reader.drainFor(poller, Duration.ofMillis(500));
            assertExactlyOnceInOrder(fresh, reader);
        }
    }

    @Test
    void shardEndNamesChildrenAfterSplit() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        String parent = stream.shardIds().get(0);
        List<WrittenRecord> before = stream.putSequential(100, 7);
        stream.split(parent);

        try (KinesisAsyncClient client = KINESIS.clientSettings().createAsyncClient();
                ShardReader poller =
                        ShardReader.polling(client, stream.ref(), PollerOptions.defaults())) {
            poller.addShard(parent, StartingPosition.trimHorizon());
            PollingReader reader =
                    new PollingReader()
                            .readUntil(poller, Integer.MAX_VALUE, 1, Duration.ofSeconds(30));
            assertThat(reader.ended).containsExactly(parent);
            assertExactlyOnceInOrder(before, reader);
            List<String> expectedChildren = new ArrayList<>(stream.shardIds());
            expectedChildren.remove(parent);
            assertThat(reader.children.get(parent))
                    .containsExactlyInAnyOrderElementsOf(expectedChildren);
        }
    }

    /**
     * A shard restored from state that the stream no longer has (past retention) ends with nothing
     * read, counted, instead of failing the reader; a missing stream still fails it.
     */
    @Test
    void aShardTheStreamNoLongerHasEndsAndIsCounted() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        List<WrittenRecord> written = stream.putSequential(200, 10);
        String gone = "shardId-000000000007";
        try (KinesisAsyncClient client = KINESIS.clientSettings().createPollingClient();
                ShardReader poller =
                        ShardReader.polling(client, stream.ref(), PollerOptions.defaults())) {
            for (String shard : stream.shardIds()) {
                poller.addShard(shard, StartingPosition.trimHorizon());
            }
            poller.addShard(
                    gone,
                    StartingPosition.afterSequenceNumber(
                            "49590338271490256608559692538361571095921575989136588898"));
            PollingReader reader =
                    new PollingReader().readUntil(poller, 200, 1, Duration.ofSeconds(30));
            reader.drainFor(poller, Duration.ofMillis(500));
            assertThat(reader.ended).containsExactly(gone);
            assertExactlyOnceInOrder(written, reader);
            assertThat(poller.metrics().shardsGone()).isEqualTo(1);
        }
        TestStream deleted = KINESIS.createStream(1);
        String shard = deleted.shardIds().get(0);
        deleted.client().deleteStream(r -> r.streamName(deleted.name())).join();
        Thread.sleep(500);
        try (KinesisAsyncClient client = KINESIS.clientSettings().createPollingClient();
                ShardReader poller =
                        ShardReader.polling(client, deleted.ref(), PollerOptions.defaults())) {
            poller.addShard(shard, StartingPosition.trimHorizon());
            assertThatThrownBy(
                            () ->
                                    new PollingReader()
                                            .readUntil(poller, 1, 1, Duration.ofSeconds(20)))
                    .isInstanceOf(KinesisCallException.class)
                    .hasMessageContaining("deleted");
            assertThat(poller.metrics().shardsGone()).isZero();
        }
    }

    private PollingReader readAll(TestStream stream, StartingPosition start, int expected)
            throws InterruptedException {
        try (KinesisAsyncClient client = KINESIS.clientSettings().createAsyncClient();
                ShardReader poller =
                        ShardReader.polling(client, stream.ref(), PollerOptions.defaults())) {
            for (String shard : stream.shardIds()) {
                poller.addShard(shard, start);
            }
            PollingReader reader =
                    new PollingReader()
                            .readUntil(
                                    poller, expected, Integer.MAX_VALUE, Duration.ofSeconds(120));
            reader.drainFor(poller, Duration.ofMillis(700));
            return reader;
        }
    }

    static void assertExactlyOnceInOrder(List<WrittenRecord> written, PollingReader reader) {
        assertThat(reader.total).as("records read").isEqualTo(written.size());
        Map<String, List<String>> expected = new HashMap<>();
        for (WrittenRecord w : written) {
            expected.computeIfAbsent(w.shardId, k -> new ArrayList<>()).add(w.sequenceNumber);
        }
        for (Map.Entry<String, List<RawRecord>> shard : reader.byShard.entrySet()) {
            List<String> seqs = new ArrayList<>();
            BigInteger previous = BigInteger.valueOf(-1);
            for (RawRecord r : shard.getValue()) {
                BigInteger seq = new BigInteger(r.sequenceNumber());
                assertThat(seq).as("sequence order in " + shard.getKey()).isGreaterThan(previous);
                previous = seq;
                seqs.add(r.sequenceNumber());
            }
            assertThat(seqs)
                    .as("records of " + shard.getKey())
                    .containsExactlyElementsOf(expected.getOrDefault(shard.getKey(), List.of()));
        }
        Map<String, String> payloadBySeq = new HashMap<>();
        for (RawRecord r : reader.all()) {
            payloadBySeq.put(r.sequenceNumber(), new String(r.data(), StandardCharsets.UTF_8));
        }
        for (WrittenRecord w : written) {
            assertThat(payloadBySeq.get(w.sequenceNumber)).isEqualTo(w.text());
        }
    }
}
