package io.github.kinesisconsumer.kinesis.discovery;

import io.github.kinesisconsumer.kinesis.Backoff;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StreamNotFoundException;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shard listing against kinesis-local. */
class ShardListerKinesisLocalTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    @Test
    void listsEveryShardOfA1200ShardStreamAcrossPages() {
        // CreateStream takes at most 1,000 shards; 100 splits make 1,200 (100 closed parents).
        TestStream stream = KINESIS.createStream(1_000);
        long splitStart = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            stream.split(String.format("shardId-%012d", i * 10));
        }
        System.out.printf("100 splits took %d ms%n", (System.nanoTime() - splitStart) / 1_000_000);
        ShardLister lister =
                new ShardLister(
                        KINESIS.client(),
                        stream.ref(),
                        KINESIS.emulator().endpoint(),
                        100,
                        10,
                        new Backoff(
                                java.time.Duration.ofMillis(50), java.time.Duration.ofSeconds(1)));

        long start = System.nanoTime();
        List<ShardInfo> shards = lister.listAll();
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("listed %d shards in pages of 100 in %d ms%n", shards.size(), millis);

        assertThat(shards).hasSize(1_200);
        Set<String> ids = new HashSet<>();
        shards.forEach(s -> ids.add(s.shardId()));
        assertThat(ids).hasSize(1_200).contains("shardId-000000000000", "shardId-000000001199");
        assertThat(shards.stream().filter(ShardInfo::isClosed)).hasSize(100);
    }

    @Test
    void incrementalListingReturnsOnlyShardsAfterTheLastSeen() {
        TestStream stream = KINESIS.createStream(3);
        ShardLister lister =
                new ShardLister(KINESIS.client(), stream.ref(), KINESIS.emulator().endpoint());
        ShardLineage lineage = ShardLineage.of(lister.listAll());
        String last = lineage.lastShardId();
        assertThat(lister.listAfter(last)).isEmpty();

        stream.split("shardId-000000000001");

        List<ShardInfo> fresh = lister.listAfter(last);
        assertThat(fresh).extracting(ShardInfo::shardId).hasSize(2).doesNotContain(last);
        assertThat(fresh)
                .allSatisfy(s -> assertThat(s.parentShardId()).isEqualTo("shardId-000000000001"));
    }

    @Test
    void missingStreamFailsWithItsName() {
        String missing = KINESIS.uniqueName();
        ShardLister lister =
                new ShardLister(
                        KINESIS.client(), StreamRef.ofName(missing), KINESIS.emulator().endpoint());

        assertThatThrownBy(lister::listAll)
                .isInstanceOf(StreamNotFoundException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining(KINESIS.emulator().endpoint());
    }
}
