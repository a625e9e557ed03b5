package io.github.kinesisconsumer.kinesis.wire;

import java.io.IOException;
import java.util.Arrays;

/**
 * Decodes standard base64 (with padding, no line breaks: what Kinesis sends in JSON) straight from
 * the parser's character buffer, four characters to three bytes per step.
 */
final class Base64Text {

    private static final int[] VALUES = new int[128];

    static {
        Arrays.fill(VALUES, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = i;
        }
    }

    private Base64Text() {}

    static byte[] decode(char[] text, int offset, int length) throws IOException {
        if (length % 4 != 0) {
            throw invalid(length);
        }
        int padding = 0;
        if (length > 0 && text[offset + length - 1] == '=') {
            padding = text[offset + length - 2] == '=' ? 2 : 1;
        }
        byte[] out = new byte[length / 4 * 3 - padding];
        int end = offset + length - (padding > 0 ? 4 : 0);
        int o = 0;
        int bad = 0;
        for (int i = offset; i < end; i += 4) {
            int v =
                    value(text[i]) << 18
                            | value(text[i + 1]) << 12
                            | value(text[i + 2]) << 6
                            | value(text[i + 3]);
            bad |= v;
            out[o++] = (byte) (v >> 16);
            out[o++] = (byte) (v >> 8);
            out[o++] = (byte) v;
        }
        if (padding > 0) {
            int i = end;
            int v =
                    value(text[i]) << 18
                            | value(text[i + 1]) << 12
                            | (padding == 1 ? value(text[i + 2]) << 6 : 0);
            bad |= v;
            out[o++] = (byte) (v >> 16);
            if (padding == 1) {
                out[o] = (byte) (v >> 8);
            }
        }
        if (bad < 0) {
            throw invalid(length);
        }
        return out;
    }

    /** The 6-bit value of {@code c}, or a negative number for a character outside the alphabet. */
    private static int value(char c) {
        return c < 128 ? VALUES[c] : -1;
    }

    private static IOException invalid(int length) {
        return new IOException("a record's Data is not valid base64 (" + length + " characters)");
    }
}
