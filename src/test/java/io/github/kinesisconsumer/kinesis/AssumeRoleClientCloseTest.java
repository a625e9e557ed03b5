package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.store.dynamodb.DynamoDbClientFactory;
import io.github.kinesisconsumer.testing.Await;
import io.github.kinesisconsumer.testing.FakeSts;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assume-role credentials make an STS client per AWS client; closing the AWS client must close it
 * too. The clients call kinesalite and DynamoDB Local with credentials from a {@link FakeSts} on
 * loopback, which counts its open connections: the STS client's pooled connection closes only when
 * the STS client is closed (left open, the pool keeps it for about a minute).
 */
class AssumeRoleClientCloseTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESALITE = KinesisEmulatorExtension.kinesalite();

    private static final String ROLE = "arn:aws:iam::000000000000:role/test";

    @Test
    void closingTheKinesisClientClosesItsStsClient() throws Exception {
        check(
                sts -> {
                    KinesisAsyncClient client = settings(sts).createAsyncClient();
                    client.listStreams(r -> r.limit(1)).join();
                    return client::close;
                });
    }

    @Test
    void closingThePollingClientClosesItsStsClient() throws Exception {
        TestStream stream = KINESALITE.createStream(1);
        check(
                sts -> {
                    KinesisAsyncClient client = settings(sts).createPollingClient();
                    client.getShardIterator(
                                    r ->
                                            r.streamName(stream.name())
                                                    .shardId(stream.shardIds().get(0))
                                                    .shardIteratorType(
                                                            ShardIteratorType.TRIM_HORIZON))
                            .join();
                    return client::close;
                });
    }

    @Test
    void closingTheDynamoDbClientClosesItsStsClient() throws Exception {
        String dynamo =
                System.getenv().getOrDefault("KC_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000");
        check(
                sts -> {
                    DynamoDbClientFactory.OwnedClient client =
                            DynamoDbClientFactory.create(
                                    settings(sts).toBuilder().endpoint(dynamo).build());
                    client.client().listTables(r -> r.limit(1)).join();
                    return client::close;
                });
    }

    private interface Opened {
        AutoCloseable open(FakeSts sts) throws Exception;
    }

    private static void check(Opened opened) throws Exception {
        try (FakeSts sts = new FakeSts()) {
            AutoCloseable client = opened.open(sts);
            assertThat(sts.requests()).as("the call used assumed-role credentials").isEqualTo(1);
            assertThat(sts.openConnections())
                    .as("the STS client keeps its connection")
                    .isEqualTo(1);
            client.close();
            long millis =
                    Await.until(
                            () -> sts.openConnections() == 0,
                            Duration.ofSeconds(5),
                            "the STS client's connection to close with the client");
            System.out.printf("STS connection closed %d ms after the client%n", millis);
        }
    }

    private static ClientSettings settings(FakeSts sts) {
        return KINESALITE.clientSettings().toBuilder()
                .credentials(
                        Credentials.assumeRole(
                                ROLE,
                                "close-test",
                                Credentials.basic("base", "base"),
                                sts.endpoint()))
                .build();
    }
}
