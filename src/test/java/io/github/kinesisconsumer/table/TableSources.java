package io.github.kinesisconsumer.table;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** Creates table sources through Flink's factory discovery, as the planner does. */
final class TableSources {

    static final ResolvedSchema ORDERS =
            ResolvedSchema.of(
                    Column.physical("customer", DataTypes.STRING()),
                    Column.physical("amount", DataTypes.INT()),
                    Column.metadata("shard_id", DataTypes.STRING(), null, true),
                    Column.metadata("arrival_time", DataTypes.TIMESTAMP_LTZ(3), null, false));

    static final ResolvedSchema LINES =
            ResolvedSchema.of(
                    Column.physical("line", DataTypes.STRING()),
                    Column.metadata("partition_key", DataTypes.STRING(), null, true));

    private TableSources() {}

    /** Options of a valid table over an emulator, to be changed by a test. */
    static Map<String, String> validOptions() {
        Map<String, String> options = new HashMap<>();
        options.put("connector", "kinesis-consumer");
        options.put("stream", "orders");
        options.put("aws.region", "us-east-1");
        options.put("aws.endpoint", "http://127.0.0.1:4569");
        options.put("aws.cbor", "false");
        options.put("format", "json");
        return options;
    }

    static KinesisDynamicSource create(Map<String, String> options) {
        return create(options, ORDERS);
    }

    static KinesisDynamicSource create(Map<String, String> options, ResolvedSchema schema) {
        CatalogTable table =
                CatalogTable.newBuilder()
                        .schema(Schema.newBuilder().fromResolvedSchema(schema).build())
                        .options(options)
                        .build();
        DynamicTableSource source =
                FactoryUtil.createDynamicTableSource(
                        null,
                        ObjectIdentifier.of("cat", "db", "orders_table"),
                        new ResolvedCatalogTable(table, schema),
                        Collections.emptyMap(),
                        new Configuration(),
                        TableSources.class.getClassLoader(),
                        false);
        return (KinesisDynamicSource) source;
    }

    /** The messages of an exception and all its causes. */
    static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }
}
