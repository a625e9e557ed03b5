package io.github.kinesisconsumer.kinesis.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * Decodes a payload's base64 straight from the answer's bytes, with the JDK's decoder: the rules
 * the SDK applies (padding optional, nothing outside the alphabet), and on recent JVMs a vector
 * loop.
 */
final class Base64Text {

    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private Base64Text() {}

    static byte[] decode(byte[] text, int offset, int length) throws IOException {
        ByteBuffer decoded;
        try {
            decoded = DECODER.decode(ByteBuffer.wrap(text, offset, length));
        } catch (IllegalArgumentException e) {
            throw new IOException(
                    "a record's Data is not valid base64 ("
                            + length
                            + " characters): "
                            + e.getMessage(),
                    e);
        }
        byte[] bytes = decoded.array();
        return bytes.length == decoded.remaining()
                ? bytes
                : Arrays.copyOfRange(bytes, decoded.position(), decoded.limit());
    }
}
