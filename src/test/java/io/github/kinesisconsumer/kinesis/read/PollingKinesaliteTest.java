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
import java.util.List;

import static io.github.kinesisconsumer.kinesis.read.PollingKinesisLocalTest.assertExactlyOnceInOrder;
import static org.assertj.core.api.Assertions.assertThat;

/** Volume through the poller on kinesalite (CBOR off). */
class PollingKinesaliteTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesalite();

    @Test
    void reads100kRecordsExactlyOnceInOrder() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        long putStart = System.nanoTime();
        List<WrittenRecord> written = stream.putSequential(100_000, 1_000);
        long putMillis = (System.nanoTime() - putStart) / 1_000_000;

        try (KinesisAsyncClient client = KINESIS.clientSettings().createAsyncClient();
                ShardReader poller =
                        ShardReader.polling(
                                client,
                                stream.ref(),
                                PollerOptions.builder()
                                        .maxBufferedBytes(4 * 1024 * 1024)
                                        .build())) {
            long readStart = System.nanoTime();
            for (String shard : stream.shardIds()) {
                poller.addShard(shard, StartingPosition.trimHorizon());
            }
            PollingReader reader =
                    new PollingReader()
                            .readUntil(poller, 100_000, Integer.MAX_VALUE, Duration.ofSeconds(120));
            long readMillis = (System.nanoTime() - readStart) / 1_000_000;
            reader.drainFor(poller, Duration.ofMillis(700));
            System.out.printf(
                    "kinesalite: put 100000 in %d ms, read %d in %d ms (%.0f records/s), %d calls,"
                            + " %d throttled, buffered now %d bytes%n",
                    putMillis,
                    reader.total,
                    readMillis,
                    reader.total * 1000.0 / Math.max(1, readMillis),
                    poller.metrics().getRecordsCalls(),
                    poller.metrics().throttledCalls(),
                    poller.bufferedBytes());

            assertExactlyOnceInOrder(written, reader);
            assertThat(poller.bufferedBytes()).isZero();
        }
    }
}
