package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads an {@link OrderEvent} from a record's JSON payload; malformed records are skipped. */
final class OrderDeserializer implements KinesisDeserializationSchema<OrderEvent> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OrderDeserializer.class);

    @Override
    public void deserialize(KinesisRecord record, Collector<OrderEvent> out) {
        try {
            out.collect(OrderEvent.fromJson(record.dataAsString()));
        } catch (RuntimeException e) {
            LOG.warn(
                    "skipping record {} of {}: {}",
                    record.sequenceNumber(),
                    record.shardId(),
                    e.getMessage());
        }
    }

    @Override
    public TypeInformation<OrderEvent> getProducedType() {
        return TypeInformation.of(OrderEvent.class);
    }
}
