package io.github.kinesisconsumer.kinesis.discovery;

/** Orders shard ids like {@code shardId-000000000012} by their number. */
final class ShardIds {

    private ShardIds() {}

    static int compare(String a, String b) {
        long na = number(a);
        long nb = number(b);
        if (na >= 0 && nb >= 0) {
            return Long.compare(na, nb);
        }
        return a.compareTo(b);
    }

    private static long number(String shardId) {
        int dash = shardId.lastIndexOf('-');
        try {
            return Long.parseLong(shardId.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
