package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.KinesisCallException;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.wire.RawRecord;
import io.github.kinesisconsumer.testing.FakeFanOut;
import io.github.kinesisconsumer.testing.FakeFanOut.Behaviour;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ShardReader#fanOut fan-out reader} against the scripted {@link FakeFanOut}: shard end with
 * children, silent subscriptions, renewals from the continuation, late events of old subscriptions,
 * backpressure.
 */
class FanOutReaderTest {

    private static final StreamRef STREAM = StreamRef.ofName("efo-unit");

    private final FakeFanOut kinesis = new FakeFanOut();
    private final PollerMetrics metrics = new PollerMetrics();
    private ShardReader subscriber;

    @AfterEach
    void close() {
        if (subscriber != null) {
            subscriber.close();
        }
        kinesis.close();
    }

    private ShardReader start(FanOutOptions.Builder options) {
        return start(options, CompletableFuture.completedFuture("arn:consumer"));
    }

    private ShardReader start(
            FanOutOptions.Builder options, CompletableFuture<String> consumerArn) {
        subscriber =
                ShardReader.fanOut(
                        kinesis,
                        STREAM,
                        consumerArn,
                        options.closedShardProbeInterval(Duration.ZERO)
                                .backoff(Duration.ofMillis(20), Duration.ofMillis(50))
                                .build(),
                        metrics);
        return subscriber;
    }

    private static FanOutOptions.Builder options() {
        return FanOutOptions.builder("unit").subscribeSpacing(Duration.ZERO);
    }

    /** Reads until the shard ends or {@code count} records came, returning payloads. */
    private static List<String> readAll(
            ShardReader reader, int count, List<FetchResult> ends, Duration timeout)
            throws InterruptedException {
        List<String> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < count && ends.isEmpty() && System.nanoTime() < deadline) {
            for (FetchResult r : reader.poll(50, TimeUnit.MILLISECONDS)) {
                for (RawRecord record : r.records()) {
                    out.add(new String(record.data(), StandardCharsets.UTF_8));
                }
                if (r.isShardEnd()) {
                    ends.add(r);
                }
            }
        }
        return out;
    }

    private static List<String> expected(String shard, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(shard + ":" + i);
        }
        return out;
    }

    @Test
    void shardEndWithChildrenAfterEveryRecordOnce() throws Exception {
        kinesis.shard("s-0", 25).close("s-0", "s-1", "s-2").recordsPerEvent(10);
        ShardReader reader = start(options());
        reader.addShard("s-0", StartingPosition.trimHorizon());
        List<FetchResult> ends = new ArrayList<>();
        List<String> read = readAll(reader, Integer.MAX_VALUE, ends, Duration.ofSeconds(5));

        assertThat(read).containsExactlyElementsOf(expected("s-0", 25));
        assertThat(ends).hasSize(1);
        assertThat(ends.get(0).childShardIds()).containsExactly("s-1", "s-2");
        assertThat(kinesis.subscriptions).hasSize(1);
        assertThat(kinesis.subscriptions.get(0).startingPosition()).isEqualTo("TRIM_HORIZON");
    }

    @Test
    void completedSubscriptionsResumeAfterTheContinuationWithoutLossOrRepeat() throws Exception {
        kinesis.shard("s-0", 100).recordsPerEvent(7);
        for (int i = 0; i < 20; i++) {
            kinesis.next(Behaviour.completeAfter(2));
        }
        ShardReader reader = start(options());
        reader.addShard("s-0", StartingPosition.afterSequenceNumber(FakeFanOut.sequence(9)));
        List<String> read = readAll(reader, 90, new ArrayList<>(), Duration.ofSeconds(5));

        assertThat(read).containsExactlyElementsOf(expected("s-0", 100).subList(10, 100));
        // 90 records in events of 7, two events per subscription: 7 subscriptions
        assertThat(kinesis.subscriptions.size()).isGreaterThanOrEqualTo(7);
        assertThat(kinesis.subscriptions.get(0).startingPosition())
                .isEqualTo("AFTER_SEQUENCE_NUMBER(" + FakeFanOut.sequence(9) + ")");
        for (int i = 1; i < 7; i++) {
            int lastBefore = 9 + 14 * i;
            assertThat(kinesis.subscriptions.get(i).startingPosition())
                    .isEqualTo("AFTER_SEQUENCE_NUMBER(" + FakeFanOut.sequence(lastBefore) + ")");
        }
    }

    @Test
    void silentSubscriptionIsRenewedWithinTheHealthTimeout() throws Exception {
        kinesis.shard("s-0", 30).recordsPerEvent(10);
        kinesis.next(Behaviour.silentAfter(1));
        ShardReader reader = start(options().subscriptionHealthTimeout(Duration.ofMillis(400)));
        reader.addShard("s-0", StartingPosition.trimHorizon());
        List<String> read = readAll(reader, 30, new ArrayList<>(), Duration.ofSeconds(5));

        assertThat(read).containsExactlyElementsOf(expected("s-0", 30));
        assertThat(kinesis.subscriptions).hasSize(2);
        FakeFanOut.Sub first = kinesis.subscriptions.get(0);
        FakeFanOut.Sub second = kinesis.subscriptions.get(1);
        assertThat(first.cancelled).as("the silent subscription was cancelled").isTrue();
        assertThat(second.startingPosition())
                .isEqualTo("AFTER_SEQUENCE_NUMBER(" + FakeFanOut.sequence(9) + ")");
        long renewedAfterMillis = (second.createdNanos - first.createdNanos) / 1_000_000;
        System.out.printf(
                "silent subscription renewed %d ms after it started%n", renewedAfterMillis);
        // silent from its first event (a few ms in); the check runs every 80 ms
        assertThat(renewedAfterMillis).isBetween(400L, 400L + 80 + 150);
        assertThat(metrics.silentSubscriptions()).isEqualTo(1);
    }

    @Test
    void lateEventOfACancelledSubscriptionIsIgnored() throws Exception {
        kinesis.shard("s-0", 40).recordsPerEvent(10);
        kinesis.next(Behaviour.silentAfter(1));
        ShardReader reader = start(options().subscriptionHealthTimeout(Duration.ofMillis(200)));
        reader.addShard("s-0", StartingPosition.trimHorizon());
        List<String> read = readAll(reader, 40, new ArrayList<>(), Duration.ofSeconds(5));
        assertThat(kinesis.subscriptions).hasSize(2);

        // the old subscription now delivers the event it owed: records 10..19 again
        kinesis.subscriptions.get(0).pushLate(kinesis.eventOf("s-0", 10, 20));
        awaitTrue(() -> metrics.staleEvents() == 1, Duration.ofSeconds(2));
        read.addAll(readAll(reader, 1, new ArrayList<>(), Duration.ofMillis(300)));

        assertThat(read).containsExactlyElementsOf(expected("s-0", 40));
        assertThat(metrics.staleEvents()).isEqualTo(1);
    }

    @Test
    void noEventIsRequestedWhileTheBufferIsFull() throws Exception {
        // each event: 4 records of ~1,000 bytes + 512 overhead = ~6 KB; the buffer holds 10 KB
        kinesis.payloadBytes(1_000).shard("s-0", 80).recordsPerEvent(4);
        ShardReader reader = start(options().maxBufferedBytes(10_000));
        reader.addShard("s-0", StartingPosition.trimHorizon());
        awaitTrue(() -> reader.bufferedBytes() >= 10_000, Duration.ofSeconds(2));
        Thread.sleep(300);
        FakeFanOut.Sub sub = kinesis.subscriptions.get(0);
        long requestsWhileFull = sub.requests.get();
        int eventsWhileFull = sub.eventsSent;
        Thread.sleep(300);
        assertThat(sub.requests.get()).as("no request while full").isEqualTo(requestsWhileFull);
        assertThat(eventsWhileFull).isEqualTo(2);
        assertThat(reader.bufferedBytes()).isLessThan(2 * 10_000);

        List<FetchResult> held = reader.pollHeld(100, TimeUnit.MILLISECONDS);
        long bytes = 0;
        for (FetchResult r : held) {
            bytes += r.bytes();
        }
        Thread.sleep(200);
        assertThat(sub.requests.get()).as("still none before release").isEqualTo(requestsWhileFull);
        reader.release(bytes);
        awaitTrue(() -> sub.requests.get() > requestsWhileFull, Duration.ofSeconds(2));

        List<String> read = new ArrayList<>();
        for (FetchResult r : held) {
            for (RawRecord record : r.records()) {
                read.add(new String(record.data(), StandardCharsets.UTF_8).replace(".", ""));
            }
        }
        for (String s :
                readAll(reader, 80 - read.size(), new ArrayList<>(), Duration.ofSeconds(5))) {
            read.add(s.replace(".", ""));
        }
        assertThat(read).containsExactlyElementsOf(expected("s-0", 80));
    }

    @Test
    void shardPausedBeforeItsSubscriptionRequestsNothingUntilResumed() throws Exception {
        kinesis.shard("s-0", 50).recordsPerEvent(5);
        CompletableFuture<String> consumerArn = new CompletableFuture<>();
        ShardReader reader = start(options(), consumerArn);
        reader.addShard("s-0", StartingPosition.trimHorizon());
        reader.pause("s-0");
        consumerArn.complete("arn:consumer");
        awaitTrue(() -> !kinesis.subscriptions.isEmpty(), Duration.ofSeconds(5));
        Thread.sleep(300);
        FakeFanOut.Sub sub = kinesis.subscriptions.get(0);
        assertThat(sub.requests.get()).isZero();
        assertThat(sub.eventsSent).isZero();

        reader.resume("s-0");
        List<String> read = readAll(reader, 50, new ArrayList<>(), Duration.ofSeconds(5));
        assertThat(read).containsExactlyElementsOf(expected("s-0", 50));
    }

    @Test
    void pauseWhileTheStartIsCheckedAgainstTheTrimHorizonHolds() throws Exception {
        kinesis.shard("s-0", 50).recordsPerEvent(5).answerTrimHorizonAfter(Duration.ofMillis(100));
        ShardReader reader = start(options());
        reader.addShard("s-0", StartingPosition.afterSequenceNumber(FakeFanOut.sequence(9)));
        reader.pause("s-0");
        awaitTrue(() -> !kinesis.subscriptions.isEmpty(), Duration.ofSeconds(5));
        Thread.sleep(300);
        FakeFanOut.Sub sub = kinesis.subscriptions.get(0);
        assertThat(sub.eventsSent).as("events sent while paused").isZero();

        reader.resume("s-0");
        List<String> read = readAll(reader, 40, new ArrayList<>(), Duration.ofSeconds(5));
        assertThat(read).containsExactlyElementsOf(expected("s-0", 50).subList(10, 50));
    }

    @Test
    void retryableFailuresResubscribeAndOthersFailThePoll() throws Exception {
        kinesis.shard("s-0", 20).shard("s-1", 5);
        kinesis.next(
                Behaviour.fail(
                        ResourceInUseException.builder().message("still subscribed").build()));
        ShardReader reader = start(options());
        reader.addShard("s-0", StartingPosition.trimHorizon());
        assertThat(readAll(reader, 20, new ArrayList<>(), Duration.ofSeconds(5)))
                .containsExactlyElementsOf(expected("s-0", 20));
        assertThat(metrics.transientErrors()).isEqualTo(1);

        kinesis.next(Behaviour.fail(ResourceNotFoundException.builder().message("gone").build()));
        reader.addShard("s-1", StartingPosition.trimHorizon());
        assertThatThrownBy(() -> readAll(reader, 100, new ArrayList<>(), Duration.ofSeconds(2)))
                .isInstanceOf(KinesisCallException.class)
                .hasMessageContaining("s-1")
                .hasMessageContaining("consumer 'unit'");
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(10);
        }
    }
}
