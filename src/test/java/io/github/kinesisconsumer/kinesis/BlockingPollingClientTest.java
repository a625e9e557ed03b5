package io.github.kinesisconsumer.kinesis;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BlockingPollingClientTest {

    private static final GetRecordsRequest REQUEST =
            GetRecordsRequest.builder().shardIterator("it").build();

    @Test
    void callsOneAfterAnotherShareOneThread() {
        try (BlockingPollingClient client = new BlockingPollingClient(new Answering(null), 64)) {
            for (int i = 0; i < 500; i++) {
                client.getRecords(REQUEST).join();
            }
            // a caller may go on before the thread that answered is back waiting for work, so a
            // few threads can start; a pool that starts one per call up to the limit reaches 64
            assertThat(client.largestPoolSize())
                    .as("threads started for 500 calls made one at a time")
                    .isLessThanOrEqualTo(8);
        }
    }

    @Test
    void concurrentCallsGetAThreadEachUpToTheLimit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Answering kinesis = new Answering(release);
        try (BlockingPollingClient client = new BlockingPollingClient(kinesis, 4)) {
            List<CompletableFuture<GetRecordsResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(client.getRecords(REQUEST));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (kinesis.inCall.get() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(kinesis.inCall.get()).as("calls running at once").isEqualTo(4);
            release.countDown();
            CompletableFuture.allOf(calls.toArray(new CompletableFuture[0]))
                    .get(10, TimeUnit.SECONDS);
            assertThat(kinesis.answered.get()).isEqualTo(10);
            assertThat(client.largestPoolSize()).isEqualTo(4);
        }
    }

    /** Answers GetRecords with no records, after {@code release} if given. */
    private static final class Answering implements KinesisClient {
        final AtomicInteger inCall = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();
        private final CountDownLatch release;

        Answering(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public GetRecordsResponse getRecords(GetRecordsRequest request) {
            inCall.incrementAndGet();
            try {
                if (release != null) {
                    release.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inCall.decrementAndGet();
            }
            answered.incrementAndGet();
            return GetRecordsResponse.builder().nextShardIterator("next").build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {}
    }
}
