package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.source.KinesisSource;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.ProjectableDecodingFormat;
import org.apache.flink.table.connector.source.DataStreamScanProvider;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.abilities.SupportsProjectionPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.connector.source.abilities.SupportsWatermarkPushDown;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table source of the {@code kinesis-consumer} connector: a {@link KinesisSource} whose records
 * are decoded by a Flink format, with metadata columns, watermarks generated in the source and
 * projection pushed into the format where it can project.
 */
final class KinesisDynamicSource
        implements ScanTableSource,
                SupportsReadingMetadata,
                SupportsWatermarkPushDown,
                SupportsProjectionPushDown {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisDynamicSource.class);

    private final KinesisTableSettings settings;
    private final DecodingFormat<DeserializationSchema<RowData>> format;
    private final DataType physicalType;
    @Nullable private int[][] projection;
    private List<String> metadataKeys = new ArrayList<>();
    private DataType producedType;
    @Nullable private WatermarkStrategy<RowData> watermarkStrategy;

    KinesisDynamicSource(
            KinesisTableSettings settings,
            DecodingFormat<DeserializationSchema<RowData>> format,
            DataType physicalType) {
        this.settings = settings;
        this.format = format;
        this.physicalType = physicalType;
        this.producedType = physicalType;
    }

    public KinesisTableSettings settings() {
        return settings;
    }

    /** The type of the rows this source produces: projected physical columns, then metadata. */
    public DataType producedType() {
        return producedType;
    }

    /** Whether the format decodes only the projected columns. */
    public boolean formatProjects() {
        return format instanceof ProjectableDecodingFormat;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return format.getChangelogMode();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        KinesisRowDeserializationSchema deserializer = deserializer(context);
        KinesisSource<RowData> source = settings.buildSource(deserializer);
        WatermarkStrategy<RowData> watermarks =
                watermarkStrategy != null ? watermarkStrategy : WatermarkStrategy.noWatermarks();
        String name = "Kinesis " + settings.streamDescription();
        boolean bounded = settings.bounded();
        return new DataStreamScanProvider() {
            @Override
            public DataStream<RowData> produceDataStream(
                    ProviderContext providerContext, StreamExecutionEnvironment env) {
                DataStreamSource<RowData> stream = env.fromSource(source, watermarks, name);
                providerContext.generateUid("kinesis-source").ifPresent(stream::uid);
                return stream;
            }

            @Override
            public boolean isBounded() {
                return bounded;
            }
        };
    }

    KinesisRowDeserializationSchema deserializer(DynamicTableSource.Context context) {
        MetadataColumn[] metadata = new MetadataColumn[metadataKeys.size()];
        for (int i = 0; i < metadata.length; i++) {
            String key = metadataKeys.get(i);
            metadata[i] =
                    MetadataColumn.ofKey(key)
                            .orElseThrow(
                                    () -> new ValidationException("Unknown metadata key " + key));
        }
        TypeInformation<RowData> typeInfo = context.createTypeInformation(producedType);
        if (projection != null && formatProjects()) {
            @SuppressWarnings("unchecked")
            ProjectableDecodingFormat<DeserializationSchema<RowData>> projectable =
                    (ProjectableDecodingFormat<DeserializationSchema<RowData>>) format;
            return new KinesisRowDeserializationSchema(
                    projectable.createRuntimeDecoder(context, physicalType, projection),
                    null,
                    metadata,
                    typeInfo);
        }
        return new KinesisRowDeserializationSchema(
                format.createRuntimeDecoder(context, physicalType),
                projection == null ? null : topLevel(projection),
                metadata,
                typeInfo);
    }

    private static int[] topLevel(int[][] fields) {
        return Arrays.stream(fields).mapToInt(path -> path[0]).toArray();
    }

    @Override
    public Map<String, DataType> listReadableMetadata() {
        Map<String, DataType> columns = new LinkedHashMap<>();
        for (MetadataColumn column : MetadataColumn.values()) {
            columns.put(column.key(), column.dataType());
        }
        return columns;
    }

    @Override
    public void applyReadableMetadata(List<String> metadataKeys, DataType producedDataType) {
        this.metadataKeys = new ArrayList<>(metadataKeys);
        this.producedType = producedDataType;
    }

    @Override
    public void applyWatermark(WatermarkStrategy<RowData> watermarkStrategy) {
        this.watermarkStrategy = watermarkStrategy;
    }

    @Override
    public boolean supportsNestedProjection() {
        return false;
    }

    @Override
    public void applyProjection(int[][] projectedFields, DataType producedDataType) {
        this.projection = projectedFields;
        this.producedType = producedDataType;
        LOG.debug(
                "Projection {} of {}; the format {}",
                Arrays.deepToString(projectedFields),
                physicalType,
                formatProjects() ? "decodes only these columns" : "decodes all columns");
    }

    @Override
    public DynamicTableSource copy() {
        KinesisDynamicSource copy = new KinesisDynamicSource(settings, format, physicalType);
        copy.projection = projection == null ? null : projection.clone();
        copy.metadataKeys = new ArrayList<>(metadataKeys);
        copy.producedType = producedType;
        copy.watermarkStrategy = watermarkStrategy;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "Kinesis(" + settings.streamDescription() + ")";
    }
}
