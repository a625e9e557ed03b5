package io.github.kinesisconsumer.kinesis.wire;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a GetRecords answer, JSON or CBOR, into its records and the rest of the answer. Payloads
 * are decoded into byte arrays without an intermediate string: base64 in JSON from the parser's
 * character buffer ({@link Base64Text}), byte strings in CBOR as they are. Arrival times follow the
 * SDK's rules: epoch seconds with a fraction in JSON, truncated to milliseconds; epoch milliseconds
 * in CBOR.
 */
final class RecordsWireFormat {

    private static final JsonFactory JSON = new JsonFactory();
    private static final JsonFactory CBOR = new CBORFactory();

    private RecordsWireFormat() {}

    /** The records, and the answer without them in the same encoding. */
    static final class Split {
        final List<Record> records;
        final byte[] rest;

        Split(List<Record> records, byte[] rest) {
            this.records = records;
            this.rest = rest;
        }
    }

    static Split split(InputStream answer, boolean cbor) throws IOException {
        JsonFactory factory = cbor ? CBOR : JSON;
        List<Record> records = List.of();
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

    private static List<Record> records(JsonParser parser, boolean cbor) throws IOException {
        List<Record> records = new ArrayList<>();
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            Record.Builder record = Record.builder();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                if (parser.nextToken() == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (field) {
                    case "Data":
                        record.data(SdkBytes.fromByteArrayUnsafe(data(parser, cbor)));
                        break;
                    case "SequenceNumber":
                        record.sequenceNumber(parser.getText());
                        break;
                    case "PartitionKey":
                        record.partitionKey(parser.getText());
                        break;
                    case "ApproximateArrivalTimestamp":
                        record.approximateArrivalTimestamp(arrival(parser, cbor));
                        break;
                    case "EncryptionType":
                        record.encryptionType(parser.getText());
                        break;
                    default:
                        parser.skipChildren();
                }
            }
            records.add(record.build());
        }
        return records;
    }

    private static byte[] data(JsonParser parser, boolean cbor) throws IOException {
        if (cbor || parser.currentToken() != JsonToken.VALUE_STRING) {
            return parser.getBinaryValue();
        }
        return Base64Text.decode(
                parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
    }

    private static Instant arrival(JsonParser parser, boolean cbor) throws IOException {
        if (cbor) {
            return Instant.ofEpochMilli(parser.getLongValue());
        }
        if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            return Instant.ofEpochMilli(Math.multiplyExact(parser.getLongValue(), 1000L));
        }
        return Instant.ofEpochMilli(secondsToMillis(parser));
    }

    /** Epoch seconds like {@code 1733300000.123} to milliseconds, truncated, without BigDecimal. */
    private static long secondsToMillis(JsonParser parser) throws IOException {
        char[] text = parser.getTextCharacters();
        int from = parser.getTextOffset();
        int to = from + parser.getTextLength();
        long whole = 0;
        int i = from;
        for (; i < to && text[i] >= '0' && text[i] <= '9'; i++) {
            whole = whole * 10 + (text[i] - '0');
        }
        if (i == from || (i < to && text[i] != '.') || whole > Long.MAX_VALUE / 1000) {
            return exactMillis(parser);
        }
        long millis = 0;
        int digits = 0;
        for (i++; i < to; i++) {
            char c = text[i];
            if (c < '0' || c > '9') {
                return exactMillis(parser);
            }
            if (digits < 3) {
                millis = millis * 10 + (c - '0');
                digits++;
            }
        }
        for (; digits < 3; digits++) {
            millis *= 10;
        }
        return whole * 1000 + millis;
    }

    /** The SDK's own conversion, for any number the fast path does not take. */
    private static long exactMillis(JsonParser parser) throws IOException {
        return new BigDecimal(parser.getText()).scaleByPowerOfTen(3).longValue();
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException(
                    "a GetRecords answer should start with " + expected + ", not " + actual);
        }
    }
}
