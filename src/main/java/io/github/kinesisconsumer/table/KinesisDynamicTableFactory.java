package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.source.AwsClientSettings;
import io.github.kinesisconsumer.source.SourceOptionChecks;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.github.kinesisconsumer.table.KinesisConnectorOptions.*;

/**
 * Creates {@link KinesisDynamicSource}s for tables with {@code 'connector' = 'kinesis-consumer'}.
 *
 * <pre>{@code
 * CREATE TABLE orders (
 *   customer STRING,
 *   amount INT,
 *   arrival_time TIMESTAMP_LTZ(3) METADATA,
 *   WATERMARK FOR arrival_time AS arrival_time - INTERVAL '1' SECOND
 * ) WITH (
 *   'connector' = 'kinesis-consumer',
 *   'stream' = 'orders',
 *   'aws.region' = 'eu-west-1',
 *   'format' = 'json'
 * )
 * }</pre>
 */
@Internal
public final class KinesisDynamicTableFactory implements DynamicTableSourceFactory {

    /** The value of {@code 'connector'}. */
    public static final String IDENTIFIER = "kinesis-consumer";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(FactoryUtil.FORMAT);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new HashSet<>();
        options.addAll(
                List.of(
                        STREAM,
                        STREAM_ARN,
                        APP_NAME,
                        SCAN_STARTUP_MODE,
                        SCAN_STARTUP_TIMESTAMP_MILLIS,
                        SCAN_STARTUP_FROM_STORE_FALLBACK,
                        SCAN_BOUNDED_MODE,
                        SCAN_BOUNDED_TIMESTAMP_MILLIS,
                        STORE_TYPE,
                        STORE_URL,
                        STORE_USER,
                        STORE_PASSWORD,
                        STORE_TABLE,
                        STORE_CREATE_TABLE,
                        STORE_DYNAMODB_REGION,
                        STORE_DYNAMODB_ENDPOINT));
        options.addAll(AwsClientSettings.OPTIONS);
        options.addAll(SourceOptionChecks.OPTIONS);
        return options;
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        DecodingFormat<DeserializationSchema<RowData>> format =
                helper.discoverDecodingFormat(
                        DeserializationFormatFactory.class, FactoryUtil.FORMAT);
        helper.validate();
        KinesisTableSettings settings =
                TableOptionsReader.read(
                        helper.getOptions(), context.getObjectIdentifier().getObjectName());
        return new KinesisDynamicSource(settings, format, context.getPhysicalRowDataType());
    }
}
