package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.github.kinesisconsumer.kinesis.read.PollingKinesisLocalTest.assertExactlyOnceInOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The poller's buffer budget holds for what calls bring, not only for when they start: with a small
 * {@code maxBufferedBytes} and a reader that holds what it takes ({@link ShardReader#pollHeld})
 * until the buffer is full and no call is in flight, the bytes held never exceed the budget by more
 * than one record; reading still ends with every record once, in order (kinesalite).
 */
class PollingBufferBudgetTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesalite();

    private static final int PAYLOAD = 1_000;
    private static final long RECORD_COST = PAYLOAD + BufferBudget.RECORD_OVERHEAD;
    private static final long BUDGET = 64 * 1024;

    @Test
    void bytesBroughtStayWithinTheBudgetPlusOneRecord() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        List<WrittenRecord> written =
                stream.put(1_200, i -> "pk-" + (i % 40), PollingBufferBudgetTest::payload);

        try (KinesisAsyncClient client = KINESIS.clientSettings().createPollingClient();
                ShardReader poller =
                        ShardReader.polling(
                                client,
                                stream.ref(),
                                PollerOptions.builder()
                                        .maxBufferedBytes(BUDGET)
                                        .callsPerSecondPerShard(50)
                                        .build())) {
            for (String shard : stream.shardIds()) {
                poller.addShard(shard, StartingPosition.trimHorizon());
            }
            PollingReader reader = new PollingReader();
            long held = 0;
            long peak = 0;
            int fills = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (reader.total < written.size() && System.nanoTime() < deadline) {
                List<FetchResult> results = poller.pollHeld(200, TimeUnit.MILLISECONDS);
                for (FetchResult result : results) {
                    reader.byShard
                            .computeIfAbsent(result.shardId(), k -> new ArrayList<>())
                            .addAll(result.records());
                    reader.total += result.records().size();
                    held += result.bytes();
                }
                peak = Math.max(peak, poller.bufferedBytes());
                assertThat(poller.bufferedBytes())
                        .as(
                                "bytes buffered and held (budget %d, one record %d)",
                                BUDGET, RECORD_COST)
                        .isLessThanOrEqualTo(BUDGET + RECORD_COST);
                if (results.isEmpty() && held > 0) {
                    // nothing came for 200 ms: the buffer is full and every call has landed
                    fills++;
                    poller.release(held);
                    held = 0;
                }
            }
            poller.release(held);
            System.out.printf(
                    "buffer budget %d: peak %d bytes held (%d records' worth), %d fills, %d calls,"
                            + " %d records%n",
                    BUDGET,
                    peak,
                    peak / RECORD_COST,
                    fills,
                    poller.metrics().getRecordsCalls(),
                    reader.total);
            reader.drainFor(poller, Duration.ofMillis(500));
            assertExactlyOnceInOrder(written, reader);
            assertThat(peak)
                    .as("the budget was mostly used, and exceeded by less than one record")
                    .isGreaterThan(BUDGET * 3 / 4)
                    .isLessThanOrEqualTo(BUDGET + RECORD_COST);
            assertThat(fills).as("the buffer filled up again and again").isGreaterThan(10);
        }
    }

    private static String payload(int i) {
        StringBuilder s = new StringBuilder(Integer.toString(i));
        while (s.length() < PAYLOAD) {
            s.append('.');
        }
        return s.toString();
    }
}
