package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builder misuse of the standalone consumer fails before any call, naming what to fix. */
class KinesisConsumerBuilderTest {

    private static KinesisConsumerBuilder valid() {
        return KinesisConsumer.builder()
                .streamName("orders")
                .appName("billing")
                .clientSettings(ClientSettings.forEndpoint("http://127.0.0.1:4567"));
    }

    @Test
    void streamMustBeGivenExactlyOnce() {
        assertThatThrownBy(() -> valid().streamName(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no stream: call streamName(\"...\") or streamArn(");
        assertThatThrownBy(
                        () ->
                                valid().streamArn("arn:aws:kinesis:us-east-1:123456789012:stream/x")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set either streamName or streamArn, not both");
        assertThatThrownBy(() -> valid().streamName(null).streamArn("orders").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("arn:aws:kinesis:<region>:<account-id>:stream/<name>");
    }

    @Test
    void appNameAndClientSettingsAreRequired() {
        assertThatThrownBy(() -> valid().appName(" ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appName must not be blank")
                .hasMessageContaining("appName(\"billing\")");
        assertThatThrownBy(() -> valid().appName(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appName must not be blank");
        assertThatThrownBy(() -> valid().clientSettings(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clientSettings are required");
    }

    @Test
    void aCheckpointStoreWithoutAnAppNameIsRejected() {
        assertThatThrownBy(
                        () ->
                                valid().appName(null)
                                        .checkpointStore(new InMemoryCheckpointStore())
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "appName must not be blank: it names this application in the"
                                + " checkpoint store");
    }

    @Test
    void zeroAndNegativeIntervalsAndCountsAreRejectedByName() {
        assertThatThrownBy(() -> valid().discoveryInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("discoveryInterval must be positive, but was PT0S");
        assertThatThrownBy(() -> valid().discoveryInterval(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("discoveryInterval must be positive");
        assertThatThrownBy(() -> valid().shutdownTimeout(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shutdownTimeout must be positive, but was PT-1S");
        assertThatThrownBy(() -> valid().callbackThreads(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("callbackThreads must be >= 1, but was 0");
        assertThatThrownBy(() -> valid().checkpointAttempts(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpointAttempts must be >= 1, but was 0");
        assertThatThrownBy(() -> valid().pollerOptions(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pollerOptions must not be null");
    }

    @Test
    void startingPositionsThatCannotWorkAreRejected() {
        assertThatThrownBy(() -> StartingPosition.atTimestamp(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AT_TIMESTAMP needs a timestamp");
        assertThatThrownBy(
                        () ->
                                valid().startingPosition(
                                                StartingPosition.fromStore(
                                                        StartingPosition.latest()))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("startingPosition must be latest(), trimHorizon()");
        assertThatThrownBy(() -> valid().startingPosition(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("startingPosition must be");
    }
}
