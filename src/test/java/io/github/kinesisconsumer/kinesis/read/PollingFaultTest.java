package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.kinesis.KinesisCallException;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.wire.RawRecord;
import io.github.kinesisconsumer.testing.FakeKinesis;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The poller against a scripted fake: throttling, expired iterators, budget, backpressure. */
class PollingFaultTest {

    private static final StreamRef STREAM = StreamRef.ofName("fake");

    private static PollerOptions.Builder fast() {
        return PollerOptions.builder()
                .callsPerSecondPerShard(50)
                .idlePollInterval(Duration.ofMillis(5))
                .backoff(Duration.ofMillis(5), Duration.ofMillis(40));
    }

    @Test
    void aStartAheadOfTheServiceClockIsRetriedInEitherWording() throws Exception {
        // real Kinesis and kinesalite word it one way, kinesis-local the other
        for (String message :
                List.of(
                        "The timestampInMillis parameter cannot be greater than the"
                                + " currentTimestampInMillis.",
                        "Timestamp cannot be in the future")) {
            FakeKinesis fake =
                    new FakeKinesis()
                            .shard("s0", 50)
                            .failIteratorCalls(
                                    InvalidArgumentException.builder()
                                            .message(message)
                                            .statusCode(400)
                                            .build());
            try (ShardReader poller = ShardReader.polling(fake, STREAM, fast().build())) {
                poller.addShard("s0", StartingPosition.trimHorizon());
                PollingReader reader =
                        new PollingReader().readUntil(poller, 50, 1, Duration.ofSeconds(10));

                assertInOrder(reader, "s0", 50);
                assertThat(poller.metrics().transientErrors()).as(message).isEqualTo(1);
            }
        }
    }

    @Test
    void throttlingBacksOffAndRecovers() throws Exception {
        FakeKinesis fake =
                new FakeKinesis()
                        .shard("s0", 2_000)
                        .shard("s1", 2_000)
                        .fault(
                                (shard, call) ->
                                        call % 3 == 0 || call <= 4
                                                ? FakeKinesis.throttled()
                                                : null);
        try (ShardReader poller =
                ShardReader.polling(fake, STREAM, fast().recordsPerCall(100).build())) {
            poller.addShard("s0", StartingPosition.trimHorizon());
            poller.addShard("s1", StartingPosition.trimHorizon());
            PollingReader reader =
                    new PollingReader().readUntil(poller, 4_000, 2, Duration.ofSeconds(30));
            reader.drainFor(poller, Duration.ofMillis(200));

            assertInOrder(reader, "s0", 2_000);
            assertInOrder(reader, "s1", 2_000);
            assertThat(poller.metrics().throttledCalls()).isGreaterThanOrEqualTo(8);
            assertThat(poller.metrics().recordsFetched()).isEqualTo(4_000);
        }
    }

    @Test
    void serverErrorsAreRetried() throws Exception {
        FakeKinesis fake =
                new FakeKinesis()
                        .shard("s0", 500)
                        .fault((shard, call) -> call % 2 == 0 ? FakeKinesis.serverError() : null);
        try (ShardReader poller =
                ShardReader.polling(fake, STREAM, fast().recordsPerCall(50).build())) {
            poller.addShard("s0", StartingPosition.trimHorizon());
            PollingReader reader =
                    new PollingReader().readUntil(poller, 500, 1, Duration.ofSeconds(30));
            reader.drainFor(poller, Duration.ofMillis(100));
            assertInOrder(reader, "s0", 500);
            assertThat(poller.metrics().transientErrors()).isGreaterThanOrEqualTo(9);
        }
    }

    @Test
    void expiredIteratorsResumeAfterTheLastFetchedRecord() throws Exception {
        FakeKinesis fake = new FakeKinesis().shard("s0", 1_000).shard("s1", 1_000);
        try (ShardReader poller =
                ShardReader.polling(fake, STREAM, fast().recordsPerCall(100).build())) {
            fake.expireIteratorOnce("s1");
            poller.addShard("s0", StartingPosition.trimHorizon());
            poller.addShard("s1", StartingPosition.afterSequenceNumber(FakeKinesis.sequence(99)));
            PollingReader reader = new PollingReader();
            while (reader.total < 300) {
                reader.readUntil(poller, reader.total + 1, 2, Duration.ofSeconds(5));
            }
            fake.expireIteratorOnce("s0");
            fake.expireIteratorOnce("s1");
            reader.readUntil(poller, 1_900, 2, Duration.ofSeconds(30));
            reader.drainFor(poller, Duration.ofMillis(200));

            assertInOrder(reader, "s0", 1_000);
            List<String> s1 = payloads(reader, "s1");
            assertThat(s1).hasSize(900);
            for (int i = 0; i < 900; i++) {
                assertThat(s1.get(i)).isEqualTo("s1:" + (100 + i));
            }
            assertThat(poller.metrics().iteratorRefreshes()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void perShardCallBudgetIsNeverExceeded() throws Exception {
        FakeKinesis fake = new FakeKinesis();
        for (int s = 0; s < 8; s++) {
            fake.shard("s" + s, 10_000);
        }
        PollerOptions options =
                PollerOptions.builder()
                        .recordsPerCall(10)
                        .callsPerSecondPerShard(5)
                        .idlePollInterval(Duration.ZERO)
                        .build();
        try (ShardReader poller = ShardReader.polling(fake, STREAM, options)) {
            for (int s = 0; s < 8; s++) {
                poller.addShard("s" + s, StartingPosition.trimHorizon());
            }
            new PollingReader().drainFor(poller, Duration.ofMillis(3_200));
        }
        for (int s = 0; s < 8; s++) {
            List<Long> times = fake.callTimes("s" + s);
            assertThat(times.size())
                    .as("calls on s%d in 3.2 s at 5/s, always behind", s)
                    .isBetween(15, 17);
            for (int i = 5; i < times.size(); i++) {
                assertThat(times.get(i) - times.get(i - 5))
                        .as("six calls on s%d within one second", s)
                        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(999));
            }
        }
    }

    @Test
    void fullBufferStopsFetchingUntilResultsAreTaken() throws Exception {
        FakeKinesis fake = new FakeKinesis().shard("s0", 100_000).shard("s1", 100_000);
        PollerOptions options = fast().recordsPerCall(100).maxBufferedBytes(10_000).build();
        try (ShardReader poller = ShardReader.polling(fake, STREAM, options)) {
            poller.addShard("s0", StartingPosition.trimHorizon());
            poller.addShard("s1", StartingPosition.trimHorizon());
            Thread.sleep(500);
            int callsWhileFull = fake.getRecordsCalls("s0") + fake.getRecordsCalls("s1");
            long buffered = poller.bufferedBytes();
            Thread.sleep(300);
            assertThat(fake.getRecordsCalls("s0") + fake.getRecordsCalls("s1"))
                    .as("no calls while the buffer is full")
                    .isEqualTo(callsWhileFull);
            // a response of 100 records counts ~52 KB (payload + per-record overhead); the limit
            // is checked before a call starts, so at most one answer arrives past it
            assertThat(buffered).isLessThan(10_000 + 60_000);

            PollingReader reader =
                    new PollingReader().drainFor(poller, Duration.ofMillis(500)) > 0 ? null : null;
            assertThat(fake.getRecordsCalls("s0") + fake.getRecordsCalls("s1"))
                    .as("fetching resumes once results are taken")
                    .isGreaterThan(callsWhileFull + 4);
        }
    }

    @Test
    void heldResultsKeepCountingUntilReleased() throws Exception {
        FakeKinesis fake = new FakeKinesis().shard("s0", 100_000);
        PollerOptions options = fast().recordsPerCall(100).maxBufferedBytes(60_000).build();
        try (ShardReader poller = ShardReader.polling(fake, STREAM, options)) {
            poller.addShard("s0", StartingPosition.trimHorizon());
            long held = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && held < 30_000) {
                for (FetchResult r : poller.pollHeld(100, TimeUnit.MILLISECONDS)) {
                    held += r.bytes();
                }
            }
            Thread.sleep(300);
            int calls = fake.getRecordsCalls("s0");
            Thread.sleep(300);
            assertThat(fake.getRecordsCalls("s0"))
                    .as("taken but not released results still fill the buffer")
                    .isEqualTo(calls);
            assertThat(poller.bufferedBytes())
                    .as("filled up to the budget, not past it by more than a record")
                    .isBetween(30_000L, 60_000L + 600);

            poller.release(held);
            new PollingReader().drainFor(poller, Duration.ofMillis(300));
            assertThat(fake.getRecordsCalls("s0"))
                    .as("released: fetching goes on")
                    .isGreaterThan(calls);
        }
    }

    @Test
    void pausedShardMakesNoCallsUntilResumed() throws Exception {
        FakeKinesis fake = new FakeKinesis().shard("s0", 100_000).shard("s1", 100_000);
        try (ShardReader poller =
                ShardReader.polling(fake, STREAM, fast().recordsPerCall(10).build())) {
            poller.addShard("s0", StartingPosition.trimHorizon());
            poller.addShard("s1", StartingPosition.trimHorizon());
            PollingReader reader = new PollingReader();
            reader.drainFor(poller, Duration.ofMillis(300));
            poller.pause("s0");
            reader.drainFor(poller, Duration.ofMillis(200));
            int s0Calls = fake.getRecordsCalls("s0");
            int s1Calls = fake.getRecordsCalls("s1");
            reader.drainFor(poller, Duration.ofMillis(500));
            assertThat(fake.getRecordsCalls("s0")).as("paused shard").isEqualTo(s0Calls);
            assertThat(fake.getRecordsCalls("s1")).as("other shard").isGreaterThan(s1Calls + 5);

            poller.resume("s0");
            reader.drainFor(poller, Duration.ofMillis(500));
            assertThat(fake.getRecordsCalls("s0")).as("resumed shard").isGreaterThan(s0Calls + 5);
            List<String> s0 = payloads(reader, "s0");
            for (int i = 0; i < s0.size(); i++) {
                assertThat(s0.get(i)).isEqualTo("s0:" + i);
            }
        }
    }

    @Test
    void shardEndIsReportedOnceAfterTheLastRecord() throws Exception {
        FakeKinesis fake = new FakeKinesis().shard("s0", 250).closed("s0");
        try (ShardReader poller =
                ShardReader.polling(fake, STREAM, fast().recordsPerCall(100).build())) {
            poller.addShard("s0", StartingPosition.trimHorizon());
            PollingReader reader =
                    new PollingReader()
                            .readUntil(poller, Integer.MAX_VALUE, 1, Duration.ofSeconds(10));
            int calls = fake.getRecordsCalls("s0");
            reader.drainFor(poller, Duration.ofMillis(300));
            assertThat(reader.ended).containsExactly("s0");
            assertInOrder(reader, "s0", 250);
            assertThat(fake.getRecordsCalls("s0")).as("no calls after shard end").isEqualTo(calls);
        }
    }

    @Test
    void nonRetryableErrorIsRethrownNamingTheShard() throws Exception {
        FakeKinesis fake =
                new FakeKinesis()
                        .shard("s0", 10)
                        .fault(
                                (shard, call) ->
                                        KinesisException.builder()
                                                .message("User is not authorized")
                                                .statusCode(400)
                                                .awsErrorDetails(
                                                        AwsErrorDetails.builder()
                                                                .errorCode("AccessDeniedException")
                                                                .build())
                                                .build());
        try (ShardReader poller = ShardReader.polling(fake, STREAM, fast().build())) {
            poller.addShard("s0", StartingPosition.trimHorizon());
            assertThatThrownBy(() -> new PollingReader().drainFor(poller, Duration.ofSeconds(2)))
                    .isInstanceOf(KinesisCallException.class)
                    .hasMessageContaining("s0")
                    .hasMessageContaining("fake")
                    .hasMessageContaining("not authorized");
        }
    }

    @Test
    void aShardMissingFromAnExistingStreamEndsAndIsCounted() throws Exception {
        FakeKinesis fake = new FakeKinesis().shard("s0", 10);
        try (ShardReader poller = ShardReader.polling(fake, STREAM, fast().build())) {
            poller.addShard("no-such-shard", StartingPosition.trimHorizon());
            PollingReader reader = new PollingReader();
            reader.drainFor(poller, Duration.ofSeconds(1));
            assertThat(reader.ended).containsExactly("no-such-shard");
            assertThat(poller.metrics().shardsGone()).isEqualTo(1);
        }
    }

    /**
     * A shard restored at a checkpoint older than its trim horizon. No emulator can trim (retention
     * is at least a day), so the fake plays what users report real Kinesis does: an iterator after
     * a trimmed record answers with empty pages, {@code MillisBehindLatest} the retention period.
     * The poller must see it at start, count it, and read from the trim horizon instead.
     */
    @Test
    void aCheckpointOlderThanTheTrimHorizonStartsAtTheTrimHorizon() throws Exception {
        FakeKinesis fake = new FakeKinesis().shard("s0", 300).trim("s0", 100);
        try (ShardReader poller =
                ShardReader.polling(fake, STREAM, fast().recordsPerCall(50).build())) {
            poller.addShard("s0", StartingPosition.afterSequenceNumber(FakeKinesis.sequence(41)));
            PollingReader reader =
                    new PollingReader().readUntil(poller, 200, 1, Duration.ofSeconds(10));
            reader.drainFor(poller, Duration.ofMillis(100));
            List<String> expected = new ArrayList<>();
            for (int i = 100; i < 300; i++) {
                expected.add("s0:" + i);
            }
            assertThat(payloads(reader, "s0")).containsExactlyElementsOf(expected);
            assertThat(poller.metrics().trimmedPositions()).isEqualTo(1);
        }
    }

    @Test
    void aCheckpointOlderThanTheTrimHorizonFailsWhenSoConfigured() throws Exception {
        FakeKinesis fake = new FakeKinesis().shard("s0", 300).trim("s0", 100);
        try (ShardReader poller =
                ShardReader.polling(fake, STREAM, fast().failOnTrimmedPosition(true).build())) {
            poller.addShard("s0", StartingPosition.afterSequenceNumber(FakeKinesis.sequence(41)));
            assertThatThrownBy(
                            () ->
                                    new PollingReader()
                                            .readUntil(poller, 1, 1, Duration.ofSeconds(10)))
                    .isInstanceOf(KinesisCallException.class)
                    .hasMessageContaining("older than its trim horizon")
                    .hasMessageContaining("source.fail-on-trimmed-position");
        }
    }

    @Test
    void aCheckpointInsideTheRetainedRecordsIsKept() throws Exception {
        FakeKinesis fake = new FakeKinesis().shard("s0", 300).trim("s0", 100);
        try (ShardReader poller =
                ShardReader.polling(fake, STREAM, fast().recordsPerCall(50).build())) {
            poller.addShard("s0", StartingPosition.afterSequenceNumber(FakeKinesis.sequence(149)));
            PollingReader reader =
                    new PollingReader().readUntil(poller, 150, 1, Duration.ofSeconds(10));
            reader.drainFor(poller, Duration.ofMillis(100));
            assertThat(payloads(reader, "s0")).hasSize(150).startsWith("s0:150");
            assertThat(poller.metrics().trimmedPositions()).isZero();
        }
    }

    private static void assertInOrder(PollingReader reader, String shard, int count) {
        List<String> got = payloads(reader, shard);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(shard + ":" + i);
        }
        assertThat(got).containsExactlyElementsOf(expected);
    }

    private static List<String> payloads(PollingReader reader, String shard) {
        List<String> out = new ArrayList<>();
        for (RawRecord r : reader.byShard.getOrDefault(shard, List.of())) {
            out.add(new String(r.data(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
