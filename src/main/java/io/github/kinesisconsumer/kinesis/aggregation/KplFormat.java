package io.github.kinesisconsumer.kinesis.aggregation;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Constants of the KPL aggregated record format, and the MD5 digest it uses. */
final class KplFormat {

    static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    static final int DIGEST_LENGTH = 16;
    static final int OVERHEAD = MAGIC.length + DIGEST_LENGTH;

    static final int WIRE_VARINT = 0;
    static final int WIRE_FIXED64 = 1;
    static final int WIRE_LENGTH_DELIMITED = 2;
    static final int WIRE_START_GROUP = 3;
    static final int WIRE_END_GROUP = 4;
    static final int WIRE_FIXED32 = 5;

    static final int AGGREGATE_PARTITION_KEY_TABLE = 1;
    static final int AGGREGATE_EXPLICIT_HASH_KEY_TABLE = 2;
    static final int AGGREGATE_RECORDS = 3;

    static final int RECORD_PARTITION_KEY_INDEX = 1;
    static final int RECORD_EXPLICIT_HASH_KEY_INDEX = 2;
    static final int RECORD_DATA = 3;

    private static final ThreadLocal<MessageDigest> MD5 =
            ThreadLocal.withInitial(KplFormat::newMd5);

    private KplFormat() {}

    static boolean startsWithMagic(byte[] data) {
        if (data.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** The MD5 digest of {@code data[offset, offset + length)}. */
    static byte[] md5(byte[] data, int offset, int length) {
        MessageDigest md5 = MD5.get();
        md5.reset();
        md5.update(data, offset, length);
        return md5.digest();
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(
                    "MD5 is not available in this JVM (FIPS mode?); it is required to verify KPL"
                            + " aggregated records",
                    e);
        }
    }
}
