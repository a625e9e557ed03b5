package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.source.enumerator.ShardEnumeratorTest.CountingContext;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.testing.FakeKinesis;

import org.apache.flink.api.connector.source.ReaderInfo;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The enumerator forgets shards that are gone past retention, so its state stays bounded in a
 * stream resharded without end. No emulator expires shards, so a scripted fake lists them: after
 * each reshard it lists only the three newest generations.
 */
class ShardEnumeratorRetentionTest {

    private static final int RESHARDS = 200;

    @Test
    void stateStaysBoundedOverTwoHundredReshards() throws Throwable {
        List<Shard> listing = new ArrayList<>();
        FakeKinesis fake = new FakeKinesis().listing(() -> new ArrayList<>(listing));
        listing.add(shard(0, false));
        CountingContext ctx = new CountingContext(1);
        ctx.registerReader(new ReaderInfo(0, "host-0"));
        try (ShardEnumerator enumerator =
                new ShardEnumerator(
                                ctx,
                                StreamRef.ofName("fake"),
                                ClientSettings.forEndpoint("http://127.0.0.1:1"),
                                StartingPosition.trimHorizon(),
                                "test-app",
                                null,
                                Duration.ofMinutes(5),
                                false,
                                ShardSplit.NO_STOP,
                                null,
                                null)
                        .withClient(fake)
                        .fullListingInterval(Duration.ZERO)) {
            enumerator.start();
            ctx.runPeriodicCallable(0);
            int[] sizeAt = new int[RESHARDS + 1];
            int[] bytesAt = new int[RESHARDS + 1];
            KinesisEnumeratorStateSerializer serializer = new KinesisEnumeratorStateSerializer();
            for (int r = 0; r < RESHARDS; r++) {
                listing.set(listing.size() - 1, shard(r, true));
                listing.add(shard(r + 1, false));
                while (listing.size() > 3) {
                    listing.remove(0);
                }
                enumerator.handleSourceEvent(0, new ShardsFinishedEvent(List.of(id(r))));
                for (int i = 0; i < 5 && !ctx.getOneTimeCallables().isEmpty(); i++) {
                    ctx.runNextOneTimeCallable();
                }
                KinesisEnumeratorState state = enumerator.snapshotState(r);
                sizeAt[r + 1] = state.knownShards().size() + state.finishedShards().size();
                bytesAt[r + 1] = serializer.serialize(state).length;
            }
            assertThat(ShardEnumeratorTest.ids(ShardEnumeratorTest.assignedByReader(ctx, 0).get(0)))
                    .as("every generation was assigned once, in order")
                    .hasSize(RESHARDS + 1)
                    .startsWith(id(0), id(1), id(2))
                    .endsWith(id(RESHARDS));
            System.out.printf(
                    "after 10 reshards: %d shards, %d bytes; after %d: %d shards, %d bytes%n",
                    sizeAt[10], bytesAt[10], RESHARDS, sizeAt[RESHARDS], bytesAt[RESHARDS]);
            assertThat(sizeAt[RESHARDS]).isLessThanOrEqualTo(6);
            assertThat(bytesAt[RESHARDS]).isLessThanOrEqualTo(bytesAt[10] + 64);
        }
    }

    private static String id(int n) {
        return String.format("shardId-%012d", n);
    }

    private static Shard shard(int n, boolean closed) {
        SequenceNumberRange.Builder range =
                SequenceNumberRange.builder().startingSequenceNumber(Integer.toString(n * 100 + 1));
        if (closed) {
            range.endingSequenceNumber(Integer.toString(n * 100 + 99));
        }
        Shard.Builder shard = Shard.builder().shardId(id(n)).sequenceNumberRange(range.build());
        if (n > 0) {
            shard.parentShardId(id(n - 1));
        }
        return shard.build();
    }
}
