package io.github.kinesisconsumer.kinesis.wire;

import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a GetRecords answer, JSON or CBOR, into its records and the rest of the answer. JSON
 * answers go through {@link JsonAnswerScanner}, which decodes payloads from the answer's bytes;
 * CBOR answers, and JSON the scanner does not take, through Jackson's streaming parser, which gives
 * CBOR byte strings as they are. Arrival times follow the SDK's rules: epoch seconds with a
 * fraction in JSON, truncated to milliseconds; epoch milliseconds in CBOR.
 */
final class RecordsWireFormat {

    private static final JsonFactory JSON = new JsonFactory();
    private static final JsonFactory CBOR = new CBORFactory();

    private RecordsWireFormat() {}

    /** The records, and the answer without them in the same encoding. */
    static final class Split {
        final List<RawRecord> records;
        final byte[] rest;

        Split(List<RawRecord> records, byte[] rest) {
            this.records = records;
            this.rest = rest;
        }
    }

    /** {@code length}: the answer's length in bytes if known, else -1. */
    static Split split(InputStream answer, boolean cbor, long length) throws IOException {
        if (cbor) {
            return parse(answer, true);
        }
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            byte[] bytes = answer.readAllBytes();
            return scanOrParse(bytes, bytes.length);
        }
        byte[] buffer = AnswerBuffers.take((int) length);
        try {
            int read = answer.readNBytes(buffer, 0, (int) length);
            if (read < length) {
                throw new IOException(
                        "a GetRecords answer ended after " + read + " of " + length + " bytes");
            }
            return scanOrParse(buffer, read);
        } finally {
            AnswerBuffers.give(buffer);
        }
    }

    /** The records of one answer or event payload held whole in {@code payload}. */
    static Split split(byte[] payload, boolean cbor) throws IOException {
        return cbor
                ? parse(new ByteArrayInputStream(payload), true)
                : scanOrParse(payload, payload.length);
    }

    private static Split scanOrParse(byte[] answer, int length) throws IOException {
        Split scanned = JsonAnswerScanner.scan(answer, length);
        return scanned != null
                ? scanned
                : parse(new ByteArrayInputStream(answer, 0, length), false);
    }

    /** The general way, for CBOR and for JSON the scanner does not take. */
    static Split parse(InputStream answer, boolean cbor) throws IOException {
        JsonFactory factory = cbor ? CBOR : JSON;
        List<RawRecord> records = List.of();
        ByteArrayOutputStream rest = new ByteArrayOutputStream(256);
        try (JsonParser parser = factory.createParser(answer);
                JsonGenerator out = factory.createGenerator(rest)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            out.writeStartObject();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("Records".equals(field) && value == JsonToken.START_ARRAY) {
                    records = records(parser, cbor);
                } else {
                    out.writeFieldName(field);
                    out.copyCurrentStructure(parser);
                }
            }
            out.writeEndObject();
        }
        return new Split(records, rest.toByteArray());
    }

    private static List<RawRecord> records(JsonParser parser, boolean cbor) throws IOException {
        List<RawRecord> records = new ArrayList<>();
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            String sequenceNumber = null;
            String partitionKey = null;
            long arrivalMillis = 0L;
            byte[] data = new byte[0];
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                if (parser.nextToken() == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (field) {
                    case "Data":
                        data = parser.getBinaryValue();
                        break;
                    case "SequenceNumber":
                        sequenceNumber = parser.getText();
                        break;
                    case "PartitionKey":
                        partitionKey = parser.getText();
                        break;
                    case "ApproximateArrivalTimestamp":
                        arrivalMillis = arrivalMillis(parser, cbor);
                        break;
                    default:
                        parser.skipChildren();
                }
            }
            records.add(new RawRecord(sequenceNumber, partitionKey, arrivalMillis, data));
        }
        return records;
    }

    private static long arrivalMillis(JsonParser parser, boolean cbor) throws IOException {
        if (cbor) {
            return parser.getLongValue();
        }
        if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            return Math.multiplyExact(parser.getLongValue(), 1000L);
        }
        return exactMillis(parser.getText());
    }

    /**
     * The SDK's own conversion of an arrival time in epoch seconds, for any number the fast paths
     * do not take.
     *
     * @throws NumberFormatException if the text is not a number
     */
    static long exactMillis(String seconds) {
        return new BigDecimal(seconds).scaleByPowerOfTen(3).longValue();
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException(
                    "a GetRecords answer should start with " + expected + ", not " + actual);
        }
    }
}
