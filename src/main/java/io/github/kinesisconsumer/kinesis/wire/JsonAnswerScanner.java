package io.github.kinesisconsumer.kinesis.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a JSON GetRecords answer straight from its bytes: field names are compared as bytes,
 * payloads decoded from the bytes ({@link Base64Text}), strings made once. It takes the answers
 * Kinesis and the emulators send (any field order, white space, nulls and unknown fields); for
 * anything else, such as an escape sequence in a string it must read or a malformed answer, it
 * gives up and returns {@code null}, and the caller decodes the answer with a general parser.
 */
final class JsonAnswerScanner {

    private static final byte[] RECORDS = ascii("Records");
    private static final byte[] DATA = ascii("Data");
    private static final byte[] SEQUENCE_NUMBER = ascii("SequenceNumber");
    private static final byte[] PARTITION_KEY = ascii("PartitionKey");
    private static final byte[] ARRIVAL = ascii("ApproximateArrivalTimestamp");
    private static final byte[] NO_DATA = new byte[0];

    /** Thrown inside the scanner when the answer is not one it takes; never leaves it. */
    private static final class GiveUp extends Exception {
        GiveUp() {
            super(null, null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();

    /** GetRecords answers hold at most this many records. */
    private static final int MAX_RECORDS = 10_000;

    /** Bytes of the smallest record in an answer, about: sizes the list once. */
    private static final int SMALLEST_RECORD = 64;

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    private final byte[] in;
    private final int end;
    private int pos;
    private int keyStart;
    private int keyLength;

    private JsonAnswerScanner(byte[] in, int length) {
        this.in = in;
        this.end = length;
    }

    /**
     * The records and the rest of the answer in the first {@code length} bytes of {@code answer},
     * or {@code null} if this scanner does not take it. Bytes after {@code length} may be anything:
     * a scan that runs past it ends beyond it and gives up.
     */
    static RecordsWireFormat.Split scan(byte[] answer, int length) throws IOException {
        try {
            return new JsonAnswerScanner(answer, length).answer();
        } catch (GiveUp | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    private RecordsWireFormat.Split answer() throws GiveUp, IOException {
        List<RawRecord> records = List.of();
        ByteArrayOutputStream rest = new ByteArrayOutputStream(256);
        rest.write('{');
        skipSpace();
        expect('{');
        skipSpace();
        if (in[pos] == '}') {
            pos++;
        } else {
            while (true) {
                key();
                if (isKey(RECORDS) && in[pos] == '[') {
                    records = records();
                } else {
                    int from = pos;
                    skipValue();
                    if (rest.size() > 1) {
                        rest.write(',');
                    }
                    rest.write(in, keyStart - 1, keyLength + 2);
                    rest.write(':');
                    rest.write(in, from, pos - from);
                }
                if (!nextMember('}')) {
                    break;
                }
            }
        }
        skipSpace();
        if (pos != end) {
            throw GIVE_UP;
        }
        rest.write('}');
        return new RecordsWireFormat.Split(records, rest.toByteArray());
    }

    private List<RawRecord> records() throws GiveUp, IOException {
        pos++;
        skipSpace();
        List<RawRecord> records =
                new ArrayList<>(Math.min(MAX_RECORDS, (end - pos) / SMALLEST_RECORD + 1));
        if (in[pos] == ']') {
            pos++;
            return records;
        }
        do {
            skipSpace();
            records.add(record());
        } while (nextMember(']'));
        return records;
    }

    private RawRecord record() throws GiveUp, IOException {
        expect('{');
        skipSpace();
        String sequenceNumber = null;
        String partitionKey = null;
        long arrivalMillis = 0L;
        byte[] data = NO_DATA;
        if (in[pos] == '}') {
            pos++;
            return new RawRecord(null, null, 0L, NO_DATA);
        }
        do {
            key();
            if (in[pos] == 'n') {
                skipValue();
            } else if (isKey(DATA)) {
                int from = stringStart();
                data = Base64Text.decode(in, from, pos - from);
                pos++;
            } else if (isKey(SEQUENCE_NUMBER)) {
                sequenceNumber = string();
            } else if (isKey(PARTITION_KEY)) {
                partitionKey = string();
            } else if (isKey(ARRIVAL)) {
                arrivalMillis = arrivalMillis();
            } else {
                skipValue();
            }
        } while (nextMember('}'));
        return new RawRecord(sequenceNumber, partitionKey, arrivalMillis, data);
    }

    /** Reads {@code "name" :} and leaves the position at the value. */
    private void key() throws GiveUp {
        skipSpace();
        keyStart = stringStart();
        keyLength = pos - keyStart;
        pos++;
        skipSpace();
        expect(':');
        skipSpace();
    }

    private boolean isKey(byte[] name) {
        return keyLength == name.length
                && Arrays.equals(in, keyStart, keyStart + keyLength, name, 0, name.length);
    }

    /** After a member: true at a comma (more follow), false at {@code close}. */
    private boolean nextMember(char close) throws GiveUp {
        skipSpace();
        byte b = in[pos++];
        if (b == ',') {
            return true;
        }
        if (b == close) {
            return false;
        }
        throw GIVE_UP;
    }

    /**
     * Moves past an opening quote to the closing one, eight bytes per step where it can; gives up
     * at an escape.
     */
    private int stringStart() throws GiveUp {
        expect('"');
        int from = pos;
        int p = pos;
        while (p + Long.BYTES <= end) {
            long word = (long) LONGS.get(in, p);
            long found = zeroByte(word ^ QUOTES) | zeroByte(word ^ BACKSLASHES);
            if (found != 0) {
                p += Long.numberOfTrailingZeros(found) >>> 3;
                break;
            }
            p += Long.BYTES;
        }
        while (in[p] != '"') {
            if (in[p] == '\\') {
                throw GIVE_UP;
            }
            p++;
        }
        pos = p;
        return from;
    }

    /** Marks the lowest zero byte of {@code word} exactly (higher marks may be false). */
    private static long zeroByte(long word) {
        return (word - 0x0101010101010101L) & ~word & 0x8080808080808080L;
    }

    private String string() throws GiveUp {
        int from = stringStart();
        String text = new String(in, from, pos - from, StandardCharsets.UTF_8);
        pos++;
        return text;
    }

    /**
     * Epoch seconds with an optional fraction to milliseconds, truncated as the SDK truncates them;
     * other number forms go through BigDecimal, as in the SDK.
     */
    private long arrivalMillis() throws GiveUp {
        int from = pos;
        long whole = 0;
        while (pos < end && isDigit(in[pos]) && pos - from < 15) {
            whole = whole * 10 + (in[pos++] - '0');
        }
        boolean simple = pos > from;
        long millis = 0;
        int digits = 0;
        if (simple && pos < end && in[pos] == '.') {
            pos++;
            simple = pos < end && isDigit(in[pos]);
            for (; pos < end && isDigit(in[pos]); pos++) {
                if (digits < 3) {
                    millis = millis * 10 + (in[pos] - '0');
                    digits++;
                }
            }
        }
        if (simple && pos < end && isDelimiter(in[pos])) {
            for (; digits < 3; digits++) {
                millis *= 10;
            }
            return whole * 1000 + millis;
        }
        pos = from;
        skipValue();
        try {
            return RecordsWireFormat.exactMillis(
                    new String(in, from, pos - from, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw GIVE_UP;
        }
    }

    /** Moves past one value of any kind; the answer is only checked as far as skipping needs. */
    private void skipValue() throws GiveUp {
        byte b = in[pos];
        if (b == '"') {
            skipString();
        } else if (b == '{' || b == '[') {
            int depth = 0;
            do {
                b = in[pos];
                if (b == '"') {
                    skipString();
                    continue;
                }
                if (b == '{' || b == '[') {
                    depth++;
                } else if (b == '}' || b == ']') {
                    depth--;
                }
                pos++;
            } while (depth > 0);
        } else {
            int from = pos;
            while (pos < end && !isDelimiter(in[pos])) {
                pos++;
            }
            if (pos == from) {
                throw GIVE_UP;
            }
        }
    }

    private void skipString() {
        pos++;
        byte b;
        while ((b = in[pos]) != '"') {
            pos += b == '\\' ? 2 : 1;
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < end) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    private void expect(char c) throws GiveUp {
        if (in[pos] != c) {
            throw GIVE_UP;
        }
        pos++;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isDelimiter(byte b) {
        return b == ',' || b == '}' || b == ']' || b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
