package io.github.kinesisconsumer.store.dynamodb;

import io.github.kinesisconsumer.store.Checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builder validation and the ordering text, without a server. */
class DynamoDbCheckpointStoreBuilderTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "has space", "slash/name", "ünïcode", "semi;colon"})
    void invalidTableNamesNameTheRule(String name) {
        assertThatThrownBy(
                        () ->
                                DynamoDbCheckpointStore.builder()
                                        .tableName(name)
                                        .region("us-east-1")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining("3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'");
    }

    @Test
    void tooLongAndMissingTableNamesAreRejected() {
        assertThatThrownBy(
                        () ->
                                DynamoDbCheckpointStore.builder()
                                        .tableName("t".repeat(256))
                                        .region("us-east-1")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 to 255");
        assertThatThrownBy(() -> DynamoDbCheckpointStore.builder().region("us-east-1").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tableName is required");
    }

    @Test
    void validTableNamesBuildWithoutCallingDynamoDb() {
        DynamoDbCheckpointStore.Builder.validateTableName("abc");
        DynamoDbCheckpointStore.Builder.validateTableName("A_b-c.9");
        DynamoDbCheckpointStore store =
                DynamoDbCheckpointStore.builder()
                        .tableName("t".repeat(255))
                        .region("us-east-1")
                        .endpoint("http://127.0.0.1:1")
                        .credentials(io.github.kinesisconsumer.kinesis.Credentials.basic("a", "b"))
                        .build();
        assertThat(store.tableName()).hasSize(255);
        store.close();
        store.close();
    }

    @Test
    void clientOrSettingsAreRequiredButNotBoth() {
        assertThatThrownBy(() -> DynamoDbCheckpointStore.builder().tableName("checkpoints").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region");
        try (var client = DynamoDbLocal.rawClient()) {
            assertThatThrownBy(
                            () ->
                                    DynamoDbCheckpointStore.builder()
                                            .tableName("checkpoints")
                                            .client(client.client())
                                            .region("us-east-1")
                                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not both");
        }
        assertThatThrownBy(
                        () ->
                                DynamoDbCheckpointStore.builder()
                                        .tableName("checkpoints")
                                        .region("nowhere")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region 'nowhere'");
    }

    @Test
    void positionKeysSortLikeCheckpoints() {
        Random random = new Random(42);
        List<Checkpoint> checkpoints = new ArrayList<>();
        String[] sequences = {
            "0",
            "7",
            "10",
            "99",
            "0000123",
            "49590338271490256608559692538361571095921575989136588801",
            "49590338271490256608559692538361571095921575989136588802",
            "9" + "49590338271490256608559692538361571095921575989136588801",
            "1" + "0".repeat(128)
        };
        long[] subs = {-1, 0, 1, 9, 10, 1_000_000, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        for (String seq : sequences) {
            for (long sub : subs) {
                checkpoints.add(Checkpoint.of(seq, sub, false));
                checkpoints.add(Checkpoint.of(seq, sub, true));
            }
        }
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(checkpoints, random);
            for (int i = 0; i + 1 < checkpoints.size(); i++) {
                Checkpoint a = checkpoints.get(i);
                Checkpoint b = checkpoints.get(i + 1);
                String ka = CheckpointItems.positionKey(a);
                String kb = CheckpointItems.positionKey(b);
                assertThat(Integer.signum(ka.compareTo(kb)))
                        .as("%s vs %s", a, b)
                        .isEqualTo(Integer.signum(a.compareTo(b)));
            }
        }
        assertThat(CheckpointItems.positionKey(Checkpoint.at("0000123")))
                .isEqualTo(CheckpointItems.positionKey(Checkpoint.at("123")));
        assertThatThrownBy(() -> CheckpointItems.positionKey(Checkpoint.at("1".repeat(131))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
