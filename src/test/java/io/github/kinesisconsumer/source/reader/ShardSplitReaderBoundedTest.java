package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.read.ShardReader;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.testing.FakeKinesis;

import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded mode ends a shard only when a call made after the stop time finds nothing newer. The
 * scripted fake answers the second call, made before the stop time, with an empty page 3 s later,
 * after the stop time, while a record that arrives before the stop time is written in between: no
 * emulator can hold an answer back like that.
 */
class ShardSplitReaderBoundedTest {

    @Test
    void anEmptyAnswerToACallMadeBeforeTheStopTimeDoesNotEndTheShard() throws Exception {
        FakeKinesis fake = new FakeKinesis().shard("s0", 10).shard("warm-up", 1);
        PollerOptions options =
                PollerOptions.builder()
                        .callsPerSecondPerShard(50)
                        .idlePollInterval(Duration.ofMillis(5))
                        .build();
        List<String> read = new ArrayList<>();
        boolean finished = false;
        try (ShardSplitReader reader =
                new ShardSplitReader(
                        ShardReader.polling(fake, StreamRef.ofName("fake"), options),
                        fake,
                        "fake",
                        false)) {
            // the first read loads the classes of the whole path, so the timed part below is fast
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(split("warm-up", 0))));
            while (!drain(reader, new ArrayList<>()).contains("warm-up")) {
                Thread.sleep(1);
            }
            fake.delay(
                    (shard, call) -> {
                        if (!shard.equals("s0") || call != 2) {
                            return 0L;
                        }
                        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)
                                .execute(
                                        () ->
                                                fake.append(
                                                        "s0",
                                                        "late-but-before-stop",
                                                        System.currentTimeMillis()));
                        return 3_000L;
                    });
            long stopAt = System.currentTimeMillis() + 2_000;
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(split("s0", stopAt))));
            long deadline = System.currentTimeMillis() + 15_000;
            while (!finished && System.currentTimeMillis() < deadline) {
                finished = drain(reader, read).contains("s0");
            }
        }
        assertThat(finished).as("the shard ends after the stop time").isTrue();
        assertThat(read).hasSize(11).endsWith("late-but-before-stop");
        assertThat(fake.getRecordsCalls("s0")).isGreaterThanOrEqualTo(3);
    }

    private static ShardSplit split(String shardId, long stopAt) {
        return new ShardSplit(
                shardId,
                StartingPosition.trimHorizon(),
                List.of(),
                stopAt == 0 ? System.currentTimeMillis() : stopAt,
                false);
    }

    /** One fetch: adds the payloads read to {@code read}, returns the splits that finished. */
    private static java.util.Set<String> drain(ShardSplitReader reader, List<String> read)
            throws Exception {
        RecordsWithSplitIds<KinesisRecord> batch = reader.fetch();
        for (String split = batch.nextSplit(); split != null; split = batch.nextSplit()) {
            for (KinesisRecord r = batch.nextRecordFromSplit();
                    r != null;
                    r = batch.nextRecordFromSplit()) {
                if (split.equals("s0")) {
                    read.add(r.dataAsString());
                }
            }
        }
        java.util.Set<String> done = new java.util.HashSet<>(batch.finishedSplits());
        batch.recycle();
        return done;
    }
}
