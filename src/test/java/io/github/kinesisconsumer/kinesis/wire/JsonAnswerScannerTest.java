package io.github.kinesisconsumer.kinesis.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The byte scanner gives the same records and the same rest of the answer as the general parser, on
 * answers written in many shapes; it hands back what it does not take, and the general parser then
 * decodes it.
 */
class JsonAnswerScannerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsAnswersOfEveryShapeAsTheGeneralParserDoes() throws IOException {
        Random random = new Random(17);
        int scanned = 0;
        for (int page = 0; page < 2_000; page++) {
            byte[] answer = randomAnswer(random).getBytes(StandardCharsets.UTF_8);
            RecordsWireFormat.Split expected =
                    RecordsWireFormat.parse(new ByteArrayInputStream(answer), false);
            byte[] reused = new byte[answer.length + 64];
            System.arraycopy(answer, 0, reused, 0, answer.length);
            java.util.Arrays.fill(reused, answer.length, reused.length, (byte) '"');
            RecordsWireFormat.Split actual = JsonAnswerScanner.scan(reused, answer.length);
            assertThat(actual).as(new String(answer, StandardCharsets.UTF_8)).isNotNull();
            scanned += actual.records.size();
            assertThat(actual.records).isEqualTo(expected.records);
            JsonNode rest = JSON.readTree(actual.rest);
            assertThat(rest).isEqualTo(JSON.readTree(expected.rest));
            assertThat(rest.has("Records")).isFalse();
        }
        assertThat(scanned).isGreaterThan(10_000);
    }

    @Test
    void handsBackEscapesAndTheGeneralParserDecodesThem() throws IOException {
        String[] answers = {
            "{\"Records\":[{\"Data\":\"QU\\/D\",\"PartitionKey\":\"k\",\"SequenceNumber\":\"1\"}]}",
            "{\"Records\":[{\"Data\":\"QUJD\",\"PartitionKey\":\"a\\\"b\\u00e9\",\"SequenceNumber\":\"1\"}]}",
            "{\"Records\":[{\"Da\\u0074a\":\"QUJD\",\"SequenceNumber\":\"1\"}]}",
        };
        for (String text : answers) {
            byte[] answer = text.getBytes(StandardCharsets.UTF_8);
            assertThat(JsonAnswerScanner.scan(answer, answer.length)).as(text).isNull();
            RecordsWireFormat.Split split =
                    RecordsWireFormat.split(new ByteArrayInputStream(answer), false, answer.length);
            assertThat(split.records).as(text).hasSize(1);
            assertThat(split.records.get(0))
                    .isEqualTo(
                            RecordsWireFormat.parse(new ByteArrayInputStream(answer), false)
                                    .records
                                    .get(0));
        }
        byte[] answer =
                "{\"Records\":[{\"Data\":\"QUJD\",\"PartitionKey\":\"a\\\"b\\u00e9\"}]}"
                        .getBytes(StandardCharsets.UTF_8);
        assertThat(
                        RecordsWireFormat.split(
                                        new ByteArrayInputStream(answer), false, answer.length)
                                .records
                                .get(0)
                                .partitionKey())
                .isEqualTo("a\"b\u00e9");
    }

    @Test
    void malformedOrCutOffAnswersFailAsTheGeneralParserFails() throws IOException {
        String whole =
                "{\"NextShardIterator\":\"it\",\"Records\":[{\"Data\":\"QUJD\",\"SequenceNumber\":\"1\"}]}";
        for (int cut = 0; cut < whole.length(); cut++) {
            byte[] answer = whole.substring(0, cut).getBytes(StandardCharsets.UTF_8);
            assertThat(JsonAnswerScanner.scan(answer, answer.length))
                    .as(whole.substring(0, cut))
                    .isNull();
            byte[] wholeBytes = whole.getBytes(StandardCharsets.UTF_8);
            assertThat(JsonAnswerScanner.scan(wholeBytes, cut))
                    .as("the first %d bytes of a reused array that holds the rest", cut)
                    .isNull();
            assertThatThrownBy(
                            () ->
                                    RecordsWireFormat.split(
                                            new ByteArrayInputStream(answer), false, answer.length))
                    .isInstanceOf(IOException.class);
        }
        byte[] shortBody = whole.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(
                        () ->
                                RecordsWireFormat.split(
                                        new ByteArrayInputStream(shortBody),
                                        false,
                                        shortBody.length + 10))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ended after");
    }

    private static String randomAnswer(Random random) {
        List<String> members = new ArrayList<>();
        members.add(field(random, "NextShardIterator") + "\"AAAA/it+" + random.nextInt() + "=\"");
        if (random.nextBoolean()) {
            members.add(field(random, "MillisBehindLatest") + random.nextInt(100_000));
        }
        if (random.nextInt(4) == 0) {
            members.add(
                    field(random, "ChildShards")
                            + "[{\"ShardId\":\"shardId-1\",\"ParentShards\":[\"a\",\"b\"],"
                            + "\"HashKeyRange\":{\"StartingHashKey\":\"0\",\"EndingHashKey\":\"9\"}}]");
        }
        StringBuilder records = new StringBuilder("[");
        int count = random.nextInt(20);
        for (int i = 0; i < count; i++) {
            records.append(i == 0 ? "" : "," + space(random)).append(randomRecord(random));
        }
        members.add(field(random, "Records") + records.append(space(random)).append(']'));
        java.util.Collections.shuffle(members, random);
        return space(random)
                + "{"
                + space(random)
                + String.join("," + space(random), members)
                + space(random)
                + "}"
                + space(random);
    }

    private static String randomRecord(Random random) {
        List<String> fields = new ArrayList<>();
        byte[] data = new byte[random.nextInt(300)];
        random.nextBytes(data);
        fields.add(field(random, "Data") + "\"" + Base64.getEncoder().encodeToString(data) + "\"");
        fields.add(field(random, "SequenceNumber") + "\"4959" + random.nextInt(1_000_000) + "\"");
        String[] keys = {"k", "pk-" + random.nextInt(1000), "ключ-ü-\uD83D\uDE42", "a b/c", ""};
        fields.add(field(random, "PartitionKey") + "\"" + keys[random.nextInt(keys.length)] + "\"");
        String[] arrivals = {
            "1733300000",
            "1733300000.1",
            "1733300000.123",
            "1733300000.98765",
            "1.7333E9",
            "-1.5",
            "0",
            "null"
        };
        fields.add(
                field(random, "ApproximateArrivalTimestamp")
                        + arrivals[random.nextInt(arrivals.length)]);
        if (random.nextBoolean()) {
            fields.add(
                    field(random, "EncryptionType") + (random.nextBoolean() ? "\"KMS\"" : "null"));
        }
        if (random.nextInt(5) == 0) {
            fields.add(field(random, "Unknown") + "{\"a\":[1,\"]}\\\"\",{}],\"b\":true}");
        }
        java.util.Collections.shuffle(fields, random);
        return "{" + space(random) + String.join("," + space(random), fields) + space(random) + "}";
    }

    private static String field(Random random, String name) {
        return "\"" + name + "\"" + space(random) + ":" + space(random);
    }

    private static String space(Random random) {
        String[] spaces = {"", "", "", " ", "\n  ", "\t", "\r\n"};
        return spaces[random.nextInt(spaces.length)];
    }
}
