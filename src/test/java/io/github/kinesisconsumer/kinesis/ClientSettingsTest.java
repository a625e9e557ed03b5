package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.testing.Emulator;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientSettingsTest {

    @Test
    void missingRegionNamesTheFix() {
        assertThatThrownBy(() -> ClientSettings.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region is required");
    }

    @Test
    void badValuesAreRejectedWithTheirName() {
        assertThatThrownBy(() -> ClientSettings.builder().region("Europe").build())
                .hasMessageContaining("'Europe' is not a region name");
        assertThatThrownBy(
                        () ->
                                ClientSettings.builder()
                                        .region("us-east-1")
                                        .endpoint("127.0.0.1:4567")
                                        .build())
                .hasMessageContaining("must be an http:// or https:// URL");
        assertThatThrownBy(
                        () ->
                                ClientSettings.builder()
                                        .region("us-east-1")
                                        .connectTimeout(Duration.ZERO)
                                        .build())
                .hasMessageContaining("connectTimeout must be positive");
        assertThatThrownBy(() -> Credentials.basic("", "x")).hasMessageContaining("access key id");
        assertThatThrownBy(() -> Credentials.assumeRole("arn:x", " ", Credentials.defaultChain()))
                .hasMessageContaining("role session name");
        assertThatThrownBy(
                        () ->
                                Credentials.assumeRole(
                                        "arn:x", "s", Credentials.defaultChain(), "sts.local:80"))
                .hasMessageContaining("must be an http:// or https:// URL with a host");
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        ClientSettings settings =
                ClientSettings.builder()
                        .region("eu-west-1")
                        .endpoint("http://127.0.0.1:1")
                        .credentials(
                                Credentials.assumeRole(
                                        "arn:aws:iam::123456789012:role/r",
                                        "s",
                                        Credentials.profile("p")))
                        .cborEnabled(false)
                        .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(settings);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ClientSettings copy = (ClientSettings) in.readObject();
            assertThat(copy).isEqualTo(settings);
            assertThat(copy.credentials().toString())
                    .isEqualTo("assume-role(arn:aws:iam::123456789012:role/r)");
        }
    }

    @Test
    void cborOffReachesKinesaliteAndLeavesTheJvmSettingAlone() {
        Emulator.KINESALITE.ensureRunning();
        try (KinesisAsyncClient client = Emulator.KINESALITE.clientSettings().createAsyncClient()) {
            assertThat(client.listStreams().join().streamNames()).isNotNull();
        }
        assertThat(System.getProperty("aws.cborEnabled")).isNull();
    }

    @Test
    void streamRefValidatesNameAndArn() {
        assertThat(StreamRef.ofArn("arn:aws:kinesis:eu-west-1:123456789012:stream/orders").name())
                .isEqualTo("orders");
        assertThatThrownBy(() -> StreamRef.ofName("bad name"))
                .hasMessageContaining("stream name must be");
        assertThatThrownBy(() -> StreamRef.ofArn("orders"))
                .hasMessageContaining("arn:aws:kinesis:<region>:<account-id>:stream/<name>");
    }

    @Test
    void startingPositionsMapToIteratorTypes() {
        assertThat(StartingPosition.afterSequenceNumber("12", 3).resumesInsideAggregate()).isTrue();
        assertThat(
                        StartingPosition.afterSequenceNumber("12", 3)
                                .applyTo(
                                        software.amazon.awssdk.services.kinesis.model
                                                .GetShardIteratorRequest.builder())
                                .build()
                                .shardIteratorTypeAsString())
                .isEqualTo("AT_SEQUENCE_NUMBER");
        assertThat(
                        StartingPosition.afterSequenceNumber("12")
                                .applyTo(
                                        software.amazon.awssdk.services.kinesis.model
                                                .GetShardIteratorRequest.builder())
                                .build()
                                .shardIteratorTypeAsString())
                .isEqualTo("AFTER_SEQUENCE_NUMBER");
        assertThatThrownBy(() -> StartingPosition.atTimestamp(null))
                .hasMessageContaining("AT_TIMESTAMP needs a timestamp");
        assertThatThrownBy(() -> StartingPosition.afterSequenceNumber("12a"))
                .hasMessageContaining("decimal digits");
    }
}
