package io.github.kinesisconsumer.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy forwards, and injects each fault kind the way a Kinesis client sees it. */
class FaultProxyTest {

    private static FastKinesisServer kinesis;
    private static FaultProxy proxy;
    private static KinesisAsyncClient client;

    @BeforeAll
    static void start() throws Exception {
        kinesis = FastKinesisServer.start(2, 100, 50, 2);
        proxy = FaultProxy.start(kinesis.endpoint());
        client = proxy.clientSettings().createAsyncClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        proxy.close();
        kinesis.close();
    }

    @BeforeEach
    void resetProxy() {
        proxy.reset();
    }

    @Test
    void forwardsCallsWhenNoRuleHits() {
        assertThat(client.listShards(r -> r.streamName("bench")).join().shards()).hasSize(2);
        assertThat(records("shardId-000000000000").records()).hasSize(100);
        assertThat(proxy.forwarded("ListShards")).isEqualTo(1);
        assertThat(proxy.forwarded("GetRecords")).isEqualTo(1);
        assertThat(proxy.summary()).isEqualTo("none");
    }

    @Test
    void answersWithTheErrorsKinesisSends() {
        proxy.add(FaultRule.on("ListShards", Fault.LIMIT_EXCEEDED).times(1));
        proxy.add(FaultRule.on("GetRecords", Fault.THROTTLE).times(1));
        proxy.add(FaultRule.on("GetRecords", Fault.EXPIRED_ITERATOR).times(1));
        proxy.add(FaultRule.on("GetRecords", Fault.INTERNAL_FAILURE).times(1));
        proxy.add(FaultRule.on("GetRecords", Fault.SERVICE_UNAVAILABLE).times(1));
        String iterator = iterator("shardId-000000000000");

        assertThat(cause(() -> client.listShards(r -> r.streamName("bench")).join()))
                .isInstanceOf(LimitExceededException.class);
        assertThat(cause(() -> getRecords(iterator)))
                .isInstanceOf(ProvisionedThroughputExceededException.class);
        assertThat(cause(() -> getRecords(iterator))).isInstanceOf(ExpiredIteratorException.class);
        assertThat(((KinesisException) cause(() -> getRecords(iterator))).statusCode())
                .isEqualTo(500);
        assertThat(((KinesisException) cause(() -> getRecords(iterator))).statusCode())
                .isEqualTo(503);
        assertThat(getRecords(iterator).records()).hasSize(100);
        assertThat(client.listShards(r -> r.streamName("bench")).join().shards()).hasSize(2);
        assertThat(proxy.summary())
                .isEqualTo(
                        "THROTTLE=1 EXPIRED_ITERATOR=1 LIMIT_EXCEEDED=1 INTERNAL_FAILURE=1"
                                + " SERVICE_UNAVAILABLE=1");
    }

    @Test
    void resetClosesTheConnectionWithoutAnAnswer() {
        proxy.add(FaultRule.on("ListShards", Fault.RESET).times(1));
        assertThat(cause(() -> client.listShards(r -> r.streamName("bench")).join()))
                .isInstanceOf(SdkClientException.class);
        assertThat(client.listShards(r -> r.streamName("bench")).join().shards()).hasSize(2);
        assertThat(proxy.injected(Fault.RESET)).isEqualTo(1);
    }

    @Test
    void latencyDelaysTheCall() {
        proxy.add(FaultRule.latency("ListShards", Duration.ofMillis(400)));
        long start = System.nanoTime();
        assertThat(client.listShards(r -> r.streamName("bench")).join().shards()).hasSize(2);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(400);
        assertThat(proxy.injected(Fault.LATENCY)).isEqualTo(1);
    }

    @Test
    void darkHoldsEveryCallUntilTheWindowEnds() {
        proxy.goDark(Duration.ofMillis(1_000));
        long start = System.nanoTime();
        assertThat(cause(() -> client.listShards(r -> r.streamName("bench")).join()))
                .isInstanceOf(SdkClientException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(900);
        assertThat(client.listShards(r -> r.streamName("bench")).join().shards()).hasSize(2);
        assertThat(proxy.injected(Fault.DARK)).isEqualTo(1);
    }

    @Test
    void oncePerShardHitsTheFirstCallOfEachShardOnly() {
        FaultRule expire =
                proxy.add(FaultRule.on("GetRecords", Fault.EXPIRED_ITERATOR).oncePerShard());
        for (String shard : Set.of("shardId-000000000000", "shardId-000000000001")) {
            String first = iterator(shard);
            assertThat(cause(() -> getRecords(first))).isInstanceOf(ExpiredIteratorException.class);
            GetRecordsResponse page = getRecords(iterator(shard));
            assertThat(page.records()).hasSize(100);
            assertThat(getRecords(page.nextShardIterator()).records()).isEmpty();
        }
        assertThat(expire.hits()).isEqualTo(2);
        assertThat(expire.shardsHit())
                .containsExactlyInAnyOrder("shardId-000000000000", "shardId-000000000001");
    }

    @Test
    void probabilityHitsAShareOfTheCalls() {
        FaultRule throttle = proxy.add(FaultRule.on("ListShards", Fault.THROTTLE).probability(0.3));
        int failed = 0;
        for (int i = 0; i < 200; i++) {
            try {
                client.listShards(r -> r.streamName("bench")).join();
            } catch (CompletionException e) {
                failed++;
            }
        }
        assertThat(failed).isEqualTo((int) throttle.hits()).isBetween(30, 90);
        throttle.disarm();
        assertThat(client.listShards(r -> r.streamName("bench")).join().shards()).hasSize(2);
    }

    private String iterator(String shardId) {
        return client.getShardIterator(
                        r ->
                                r.streamName("bench")
                                        .shardId(shardId)
                                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .join()
                .shardIterator();
    }

    private GetRecordsResponse records(String shardId) {
        return getRecords(iterator(shardId));
    }

    private GetRecordsResponse getRecords(String iterator) {
        return client.getRecords(r -> r.shardIterator(iterator)).join();
    }

    private static Throwable cause(Runnable call) {
        try {
            call.run();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("the call succeeded; a fault was expected");
    }
}
