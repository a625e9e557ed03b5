package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builder validation, options from a Flink configuration, serializability. */
class KinesisSourceBuilderTest {

    private static KinesisSourceBuilder<String> valid() {
        return KinesisSource.<String>builder()
                .streamName("orders")
                .appName("billing")
                .clientSettings(ClientSettings.forEndpoint("http://127.0.0.1:4567"))
                .deserializer(KinesisDeserializationSchema.of(new SimpleStringSchema()));
    }

    @Test
    void enhancedFanOutMisuseIsRejectedWithAMessageThatNamesTheFix() {
        assertThatThrownBy(
                        () ->
                                valid().set(
                                                KinesisSourceOptions.READER_TYPE,
                                                KinesisSourceOptions.ReaderType.EFO)
                                        .build())
                .hasMessageContaining("is EFO but no consumer name is set")
                .hasMessageContaining("enhancedFanOut(\"name\")");
        assertThatThrownBy(() -> valid().enhancedFanOut(" ").build())
                .hasMessageContaining("enhanced fan-out needs a stream consumer name");
        assertThatThrownBy(() -> valid().enhancedFanOut("bad name!").build())
                .hasMessageContaining("consumer name must be 1-128 characters");
        assertThatThrownBy(() -> valid().set(KinesisSourceOptions.EFO_CONSUMER_NAME, "x").build())
                .hasMessageContaining("'source.reader.type' is POLLING");
        assertThatThrownBy(
                        () ->
                                valid().enhancedFanOut("x")
                                        .set(
                                                KinesisSourceOptions
                                                        .EFO_SUBSCRIPTION_HEALTH_TIMEOUT,
                                                Duration.ZERO)
                                        .build())
                .hasMessageContaining(
                        "'source.efo.subscription-health-timeout' must be > 0, but was 0 ms.");
        Configuration conf = new Configuration();
        conf.setString("kinesis.source.reader.type", "EFO");
        conf.setString("kinesis.source.efo.consumer-name", "from-conf");
        conf.setString("kinesis.source.efo.subscription-health-timeout", "10 s");
        KinesisSource<String> source = valid().configuration(conf).build();
        assertThat(KinesisSource.fanOutOptions(source.config()).consumerName())
                .isEqualTo("from-conf");
        assertThat(KinesisSource.fanOutOptions(source.config()).subscriptionHealthTimeout())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(KinesisSource.fanOutOptions(valid().build().config())).isNull();
        assertThatThrownBy(
                        () ->
                                io.github.kinesisconsumer.consumer.KinesisConsumer.builder()
                                        .enhancedFanOut(""))
                .hasMessageContaining("enhanced fan-out needs a stream consumer name");
    }

    @Test
    void misuseIsRejectedWithAMessageThatNamesTheFix() {
        assertThatThrownBy(() -> valid().streamName(null).build())
                .hasMessageContaining("no stream: call streamName");
        assertThatThrownBy(
                        () ->
                                valid().streamArn("arn:aws:kinesis:us-east-1:123456789012:stream/x")
                                        .build())
                .hasMessageContaining("either streamName or streamArn, not both");
        assertThatThrownBy(() -> valid().appName(" ").build())
                .hasMessageContaining("appName must not be blank");
        assertThatThrownBy(() -> valid().clientSettings(null).build())
                .hasMessageContaining("clientSettings are required");
        assertThatThrownBy(() -> valid().deserializer(null).build())
                .hasMessageContaining("a deserializer is required");
        assertThatThrownBy(() -> valid().shardDiscoveryInterval(Duration.ofSeconds(-1)).build())
                .hasMessageContaining(
                        "'source.shard-discovery-interval' must be >= 0, but was -1 s.");
        assertThatThrownBy(() -> valid().idlePollInterval(Duration.ofMillis(-5)).build())
                .hasMessageContaining("'source.idle-poll-interval' must be >= 0, but was -5 ms.");
        assertThatThrownBy(
                        () -> valid().set(KinesisSourceOptions.GET_RECORDS_LIMIT, 20_000).build())
                .hasMessageContaining("'source.get-records.limit' must be in 1..10000");
        assertThatThrownBy(() -> valid().streamName("bad name").build())
                .hasMessageContaining("stream name must be");
    }

    @Test
    void moreMisuseIsAnIllegalArgumentNamingTheOption() {
        assertThatThrownBy(() -> valid().streamName(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("streamArn(\"arn:aws:kinesis:...\")");
        assertThatThrownBy(
                        () ->
                                valid().appName(null)
                                        .checkpointStore(InMemoryCheckpointStore::new)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "appName must not be blank: it names this application in"
                                + " checkpoint stores");
        assertThatThrownBy(
                        () ->
                                valid().startingPosition(
                                                StartingPosition.fromStore(
                                                        StartingPosition.trimHorizon()))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "fromStore(..) needs a checkpoint store: call" + " checkpointStore(..)");
        assertThatThrownBy(() -> valid().startingPosition(StartingPosition.atTimestamp(null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AT_TIMESTAMP needs a timestamp: call atTimestamp(Instant)");
        assertThatThrownBy(() -> valid().boundedAt(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("boundedAt needs a non-null instant");
        assertThatThrownBy(
                        () ->
                                valid().set(KinesisSourceOptions.GET_RECORDS_CALLS_PER_SECOND, 0.0)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "'source.get-records.calls-per-second' must be > 0, but was 0.0.");
        assertThatThrownBy(
                        () ->
                                valid().set(
                                                KinesisSourceOptions.MAX_BUFFERED_BYTES,
                                                MemorySize.ZERO)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'source.max-buffered-bytes' must be > 0, but was 0 bytes.");
        assertThatThrownBy(() -> valid().set(KinesisSourceOptions.GET_RECORDS_LIMIT, 0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'source.get-records.limit' must be in 1..10000");
    }

    @Test
    void zeroDiscoveryIntervalMeansListOnceAndIsAllowed() {
        assertThat(
                        valid().shardDiscoveryInterval(Duration.ZERO)
                                .build()
                                .config()
                                .get(KinesisSourceOptions.SHARD_DISCOVERY_INTERVAL))
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void skippingUndeserializableRecordsIsOffUnlessAsked() {
        assertThat(valid().build().config().get(KinesisSourceOptions.SKIP_UNDESERIALIZABLE_RECORDS))
                .isFalse();
        assertThat(
                        valid().skipUndeserializableRecords()
                                .build()
                                .config()
                                .get(KinesisSourceOptions.SKIP_UNDESERIALIZABLE_RECORDS))
                .isTrue();
        Configuration conf = new Configuration();
        conf.setString("kinesis.source.skip-undeserializable-records", "true");
        assertThat(
                        valid().configuration(conf)
                                .build()
                                .config()
                                .get(KinesisSourceOptions.SKIP_UNDESERIALIZABLE_RECORDS))
                .isTrue();
    }

    @Test
    void optionsComeFromAFlinkConfiguration() {
        Configuration conf = new Configuration();
        conf.setString("kinesis.source.get-records.limit", "500");
        conf.setString("kinesis.source.shard-discovery-interval", "3 s");
        conf.setString("kinesis.source.max-buffered-bytes", "8 mb");
        KinesisSource<String> source = valid().configuration(conf).build();
        assertThat(source.config().get(KinesisSourceOptions.GET_RECORDS_LIMIT)).isEqualTo(500);
        assertThat(source.config().get(KinesisSourceOptions.SHARD_DISCOVERY_INTERVAL))
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(source.config().get(KinesisSourceOptions.MAX_BUFFERED_BYTES).getMebiBytes())
                .isEqualTo(8);
        assertThat(source.config().get(KinesisSourceOptions.IDLE_POLL_INTERVAL))
                .isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void boundednessAndSerializability() throws Exception {
        assertThat(valid().build().getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        KinesisSource<String> bounded = valid().boundedAtJobStart().build();
        assertThat(bounded.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
        KinesisSource<String> copy = InstantiationUtil.clone(bounded, getClass().getClassLoader());
        assertThat(copy.stream().name()).isEqualTo("orders");
        assertThat(copy.appName()).isEqualTo("billing");
    }
}
