package io.github.kinesisconsumer.kinesis.aggregation;

import java.nio.charset.StandardCharsets;

import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.WIRE_END_GROUP;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.WIRE_FIXED32;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.WIRE_FIXED64;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.WIRE_LENGTH_DELIMITED;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.WIRE_START_GROUP;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.WIRE_VARINT;

/**
 * A cursor over protobuf wire-format bytes in {@code [position, limit)} of an array. Supports
 * varints, length-delimited fields and skipping fixed32/fixed64 fields; groups are rejected.
 */
final class WireReader {

    private final byte[] buf;
    private int position;
    private int limit;

    WireReader(byte[] buf, int position, int limit) {
        this.buf = buf;
        this.position = position;
        this.limit = limit;
    }

    /** Moves the cursor to {@code [position, limit)} of the same array. */
    void reset(int position, int limit) {
        this.position = position;
        this.limit = limit;
    }

    boolean hasRemaining() {
        return position < limit;
    }

    int position() {
        return position;
    }

    /**
     * Reads a field tag: {@code fieldNumber << 3 | wireType}, with a field number of at least 1.
     */
    int readTag() throws MalformedAggregateException {
        long tag = readVarint();
        if (tag < 0 || tag > 0xFFFF_FFFFL || (tag >>> 3) == 0) {
            throw new MalformedAggregateException("invalid tag " + Long.toUnsignedString(tag));
        }
        return (int) tag;
    }

    /** Reads a varint of up to 10 bytes as the bits of an unsigned 64-bit value. */
    long readVarint() throws MalformedAggregateException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= limit) {
                throw new MalformedAggregateException("truncated varint");
            }
            byte b = buf[position++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new MalformedAggregateException("varint longer than 10 bytes");
    }

    /** Reads the length prefix of a length-delimited field and checks it fits before the limit. */
    int readLength() throws MalformedAggregateException {
        long length = readVarint();
        if (length < 0 || length > limit - position) {
            throw new MalformedAggregateException(
                    "length "
                            + Long.toUnsignedString(length)
                            + " beyond the end ("
                            + (limit - position)
                            + " bytes left)");
        }
        return (int) length;
    }

    /** Reads a length-delimited UTF-8 string. */
    String readString() throws MalformedAggregateException {
        int length = readLength();
        String s = new String(buf, position, length, StandardCharsets.UTF_8);
        position += length;
        return s;
    }

    /** Advances past a value of {@code length} bytes whose length was already validated. */
    void advance(int length) {
        position += length;
    }

    /** Skips the value of a field with the given wire type. */
    void skip(int wireType) throws MalformedAggregateException {
        switch (wireType) {
            case WIRE_VARINT:
                readVarint();
                break;
            case WIRE_FIXED64:
                skipFixed(8);
                break;
            case WIRE_LENGTH_DELIMITED:
                advance(readLength());
                break;
            case WIRE_FIXED32:
                skipFixed(4);
                break;
            case WIRE_START_GROUP:
            case WIRE_END_GROUP:
                throw new MalformedAggregateException("groups are not supported");
            default:
                throw new MalformedAggregateException("invalid wire type " + wireType);
        }
    }

    private void skipFixed(int size) throws MalformedAggregateException {
        if (limit - position < size) {
            throw new MalformedAggregateException("truncated fixed" + (size * 8) + " field");
        }
        position += size;
    }
}
