package io.github.kinesisconsumer.store.dynamodb;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStoreException;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/** How a checkpoint is laid out in a DynamoDB item: attribute names, the order key, encoding. */
final class CheckpointItems {

    static final String NAMESPACE = "namespace";
    static final String SHARD_ID = "shard_id";
    static final String SEQUENCE_NUMBER = "sequence_number";
    static final String SUB_SEQUENCE_NUMBER = "sub_sequence_number";
    static final String FINISHED = "finished";
    static final String POSITION_KEY = "position_key";
    static final String EXACT_SEQUENCE_NUMBER = "exact_sequence_number";

    /** Digits of the sequence number in {@code position_key}; Kinesis uses at most 129. */
    static final int SEQUENCE_WIDTH = 130;

    /** Digits of the sub-sequence number plus one in {@code position_key}. */
    static final int SUB_SEQUENCE_WIDTH = 20;

    private CheckpointItems() {}

    /**
     * The text whose lexicographic order is the order of checkpoints: sequence number, then
     * sub-sequence number, then finished.
     */
    static String positionKey(Checkpoint checkpoint) {
        String digits = checkpoint.numericSequence().toString();
        if (digits.length() > SEQUENCE_WIDTH) {
            throw new IllegalArgumentException(
                    "sequence number "
                            + checkpoint.sequenceNumber()
                            + " has more than "
                            + SEQUENCE_WIDTH
                            + " digits");
        }
        String sub = Long.toUnsignedString(checkpoint.subSequenceNumber() + 1);
        StringBuilder out = new StringBuilder(SEQUENCE_WIDTH + SUB_SEQUENCE_WIDTH + 4);
        padded(out, digits, SEQUENCE_WIDTH).append(':');
        padded(out, sub, SUB_SEQUENCE_WIDTH).append(':');
        return out.append(checkpoint.isFinished() ? '1' : '0').toString();
    }

    static StringBuilder padded(StringBuilder out, String digits, int width) {
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    static Map<String, AttributeValue> key(String namespace, String shardId) {
        Map<String, AttributeValue> key = new HashMap<>(4);
        key.put(NAMESPACE, text(namespace));
        key.put(SHARD_ID, text(shardId));
        return key;
    }

    static Map<String, AttributeValue> item(
            String namespace,
            String shardId,
            Checkpoint checkpoint,
            String position,
            String goSequence) {
        Map<String, AttributeValue> item = key(namespace, shardId);
        item.put(SEQUENCE_NUMBER, text(goSequence));
        item.put(EXACT_SEQUENCE_NUMBER, text(checkpoint.sequenceNumber()));
        item.put(
                SUB_SEQUENCE_NUMBER,
                AttributeValue.fromN(Long.toString(checkpoint.subSequenceNumber())));
        item.put(FINISHED, AttributeValue.fromBool(checkpoint.isFinished()));
        item.put(POSITION_KEY, text(position));
        return item;
    }

    static AttributeValue text(String s) {
        return AttributeValue.fromS(s);
    }

    static Checkpoint parse(
            Map<String, AttributeValue> item, String namespace, String shardId, String where) {
        AttributeValue seq = item.get(SEQUENCE_NUMBER);
        AttributeValue sub = item.get(SUB_SEQUENCE_NUMBER);
        AttributeValue finished = item.get(FINISHED);
        try {
            String sequence = seq == null ? null : seq.s() != null ? seq.s() : seq.n();
            AttributeValue exactValue = item.get(EXACT_SEQUENCE_NUMBER);
            String exact = exactValue == null ? null : exactValue.s();
            if (exact != null && new BigInteger(sequence).compareTo(new BigInteger(exact)) > 0) {
                return Checkpoint.at(sequence);
            }
            long subSequence =
                    sub == null || sub.n() == null
                            ? StartingPosition.NO_SUB_SEQUENCE
                            : Long.parseLong(sub.n());
            Checkpoint stored =
                    Checkpoint.of(
                            exact != null ? exact : sequence,
                            subSequence,
                            finished != null && Boolean.TRUE.equals(finished.bool()));
            return exact != null ? stored.withWholeRecordSequence(sequence) : stored;
        } catch (IllegalArgumentException e) {
            throw new CheckpointStoreException(
                    where
                            + " holds an unreadable checkpoint for namespace '"
                            + namespace
                            + "' shard '"
                            + shardId
                            + "': "
                            + e.getMessage(),
                    e);
        }
    }
}
