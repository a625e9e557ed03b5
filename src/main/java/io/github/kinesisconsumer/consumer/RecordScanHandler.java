package io.github.kinesisconsumer.consumer;

import java.util.List;

/** Calls a {@link ScanFunction} per record and applies its {@link ScanResult}. */
final class RecordScanHandler implements ShardHandler {

    private final ScanFunction fn;

    RecordScanHandler(ScanFunction fn) {
        this.fn = fn;
    }

    @Override
    public void onRecords(List<ScanRecord> records, ShardLane lane) throws Exception {
        for (ScanRecord record : records) {
            if (lane.isStopping()) {
                return;
            }
            ScanResult result;
            try {
                result = fn.scan(record);
            } catch (Exception e) {
                throw CallbackFailure.attach(
                        e,
                        "the scan function failed on record "
                                + record.sequenceNumber()
                                + CallbackFailure.subSequence(record)
                                + " of shard "
                                + record.shardId()
                                + "; the scan stopped, and the shard's checkpoint stays before"
                                + " this record");
            }
            lane.counted(1);
            if (result == null) {
                throw new IllegalStateException(
                        "the scan function returned null for " + record + "; return a ScanResult");
            }
            switch (result) {
                case CONTINUE:
                    lane.checkpointable(record);
                    break;
                case SKIP_CHECKPOINT:
                    lane.delivered();
                    break;
                case STOP:
                    lane.checkpointable(record);
                    lane.requestStop();
                    return;
                default:
                    throw new IllegalStateException("unknown result " + result);
            }
        }
    }
}
