package io.github.kinesisconsumer.examples;

import org.apache.flink.formats.json.JsonDeserializationSchema;
import org.apache.flink.formats.json.JsonSerializationSchema;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The examples' event: {@code
 * {"orderId":"o-42","customer":"c07","amount":12.5,"ts":1700000000000}}. A Flink POJO (public
 * fields, no-argument constructor), written and read as JSON by Flink's own JSON format
 * (flink-json).
 */
public class OrderEvent {

    private static final JsonSerializationSchema<OrderEvent> JSON = openedSerializer();

    public String orderId;
    public String customer;
    public double amount;
    public long ts;

    public OrderEvent() {}

    public OrderEvent(String orderId, String customer, double amount, long ts) {
        this.orderId = orderId;
        this.customer = customer;
        this.amount = amount;
        this.ts = ts;
    }

    /** The event with number {@code id}: customer and amount follow from it, so runs repeat. */
    static OrderEvent numbered(long id, int customers, long ts) {
        String customer = String.format(Locale.ROOT, "c%02d", id % customers);
        double amount = ((id * 7919) % 10_000) / 100.0 + 1;
        return new OrderEvent("o-" + id, customer, amount, ts);
    }

    /** The number in an order id written by {@link #numbered}. */
    long number() {
        return Long.parseLong(orderId.substring(orderId.indexOf('-') + 1));
    }

    /** This event as JSON, written by Flink's JSON format. */
    byte[] toJson() {
        return JSON.serialize(this);
    }

    /** Reads events written by {@link #toJson}: Flink's JSON format, as the jobs use it. */
    static JsonDeserializationSchema<OrderEvent> jsonSchema() {
        return new JsonDeserializationSchema<>(OrderEvent.class);
    }

    @Override
    public String toString() {
        return new String(toJson(), StandardCharsets.UTF_8);
    }

    private static JsonSerializationSchema<OrderEvent> openedSerializer() {
        JsonSerializationSchema<OrderEvent> schema = new JsonSerializationSchema<>();
        schema.open(null);
        return schema;
    }
}
