package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.discovery.StreamConsumerRegistrar;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.KinesaliteProcess;
import io.github.kinesisconsumer.testing.KinesisLocalProcess;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The enumerator's stream consumer across a failover, on a kinesis-local of the test's own where
 * deregistering a consumer takes {@value #DELETING_MILLIS} ms, as on real Kinesis (the shared
 * emulator deletes at once, so it cannot show the DELETING window). Calls go through a {@link
 * FaultProxy} that only counts them. A failover closes the enumerator and creates a new one: the
 * new one must not take the old consumer, still DELETING, for present.
 */
class ShardEnumeratorFanOutTest {

    private static final long DELETING_MILLIS = 3_000;

    private static KinesisLocalProcess kinesis;
    private static FaultProxy proxy;

    @BeforeAll
    static void startKinesis() throws Exception {
        kinesis =
                KinesisLocalProcess.start(
                        Duration.ofMillis(300), Duration.ofMillis(DELETING_MILLIS));
        proxy = FaultProxy.start(kinesis.endpoint());
    }

    @AfterAll
    static void stopKinesis() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (kinesis != null) {
            kinesis.close();
        }
    }

    @Test
    void consumerStillDeletingAtStartIsWaitedOutAndRegisteredOnce() throws Throwable {
        TestStream stream = kinesis.createStream("efo-start", 2);
        StreamConsumerRegistrar registrar =
                new StreamConsumerRegistrar(kinesis.client(), stream.ref());
        String previousArn =
                registrar.registerIfMissing("job-efo", Duration.ofSeconds(30)).consumerArn();
        registrar.deregister("job-efo");
        assertThat(registrar.describe("job-efo").consumerStatus())
                .as("the previous run's consumer is still being deleted")
                .isEqualTo(ConsumerStatus.DELETING);
        proxy.reset();

        MockSplitEnumeratorContext<ShardSplit> ctx = new MockSplitEnumeratorContext<>(1);
        ShardEnumerator enumerator = enumerator(ctx, stream);
        try {
            enumerator.start();
            long start = System.nanoTime();
            ctx.runNextOneTimeCallable();
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;

            ConsumerDescription now = registrar.describe("job-efo");
            assertThat(now.consumerStatus()).isEqualTo(ConsumerStatus.ACTIVE);
            assertThat(now.consumerARN()).as("registered anew").isNotEqualTo(previousArn);
            assertThat(proxy.forwarded("RegisterStreamConsumer"))
                    .as("registered once, after the deletion ended")
                    .isEqualTo(1);
            assertThat(waitedMillis).as("the deletion was waited out").isGreaterThan(1_000);
        } finally {
            enumerator.close();
        }
    }

    @Test
    void closeWaitsUntilTheConsumerItRegisteredIsDeleted() throws Throwable {
        TestStream stream = kinesis.createStream("efo-close", 2);
        StreamConsumerRegistrar registrar =
                new StreamConsumerRegistrar(kinesis.client(), stream.ref());
        MockSplitEnumeratorContext<ShardSplit> ctx = new MockSplitEnumeratorContext<>(1);
        ShardEnumerator enumerator = enumerator(ctx, stream);
        enumerator.start();
        ctx.runNextOneTimeCallable();
        assertThat(registrar.describe("job-efo").consumerStatus()).isEqualTo(ConsumerStatus.ACTIVE);
        proxy.reset();

        long start = System.nanoTime();
        enumerator.close();
        long closeMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(registrar.describe("job-efo"))
                .as("gone when close returns, so a run started next can register it at once")
                .isNull();
        assertThat(proxy.forwarded("DeregisterStreamConsumer")).isEqualTo(1);
        assertThat(closeMillis).isBetween(DELETING_MILLIS - 500, DELETING_MILLIS + 5_000);
        System.out.printf("enumerator close waited %d ms for the deletion%n", closeMillis);
    }

    @Test
    void waitsForTheDeletionAreBoundedByTheirTimeouts() throws Throwable {
        TestStream stream = kinesis.createStream("efo-timeout", 1);
        StreamConsumerRegistrar registrar =
                new StreamConsumerRegistrar(kinesis.client(), stream.ref());
        registrar.registerIfMissing("job-efo", Duration.ofSeconds(30));

        long start = System.nanoTime();
        boolean gone = registrar.deregisterAndAwaitDeletion("job-efo", Duration.ofMillis(800));
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(gone).as("still DELETING when the wait ends").isFalse();
        assertThat(waitedMillis).isBetween(800L, 2_500L);

        assertThatThrownBy(() -> registrar.registerIfMissing("job-efo", Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is still being deleted after PT0.5S")
                .hasMessageContaining(
                        "raise the registration timeout, or use another consumer name");
        assertThat(registrar.registerIfMissing("job-efo", Duration.ofSeconds(30)).registeredHere())
                .as("registered again once the deletion is over")
                .isTrue();
    }

    private ShardEnumerator enumerator(MockSplitEnumeratorContext<ShardSplit> ctx, TestStream s) {
        return new ShardEnumerator(
                ctx,
                s.ref(),
                KinesaliteProcess.settingsFor(proxy.endpoint()),
                StartingPosition.trimHorizon(),
                "efo-app",
                null,
                Duration.ZERO,
                false,
                ShardSplit.NO_STOP,
                null,
                FanOutOptions.builder("job-efo")
                        .registrationTimeout(Duration.ofSeconds(30))
                        .build());
    }
}
