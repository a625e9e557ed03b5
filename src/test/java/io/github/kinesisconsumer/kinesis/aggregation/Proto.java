package io.github.kinesisconsumer.kinesis.aggregation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Test helper: writes arbitrary (also invalid) protobuf wire bytes and frames KPL aggregates. */
final class Proto {

    static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
        return this;
    }

    Proto tag(int field, int wireType) {
        return varint(((long) field << 3) | wireType);
    }

    Proto varintField(int field, long value) {
        return tag(field, 0).varint(value);
    }

    Proto bytesField(int field, byte[] value) {
        tag(field, 2).varint(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    Proto stringField(int field, String value) {
        return bytesField(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto messageField(int field, Proto message) {
        return bytesField(field, message.bytes());
    }

    Proto fixed32Field(int field, int value) {
        tag(field, 5);
        for (int i = 0; i < 4; i++) {
            out.write(value >>> (8 * i));
        }
        return this;
    }

    Proto fixed64Field(int field, long value) {
        tag(field, 1);
        for (int i = 0; i < 8; i++) {
            out.write((int) (value >>> (8 * i)));
        }
        return this;
    }

    Proto raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** Magic + message + MD5(message). */
    static byte[] frame(byte[] message) {
        byte[] digest = md5(message);
        byte[] out = new byte[MAGIC.length + message.length + digest.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(message, 0, out, MAGIC.length, message.length);
        System.arraycopy(digest, 0, out, MAGIC.length + message.length, digest.length);
        return out;
    }

    static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
