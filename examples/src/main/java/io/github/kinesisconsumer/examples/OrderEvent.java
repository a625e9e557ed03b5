package io.github.kinesisconsumer.examples;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The examples' event: {@code
 * {"orderId":"o-42","customer":"c07","amount":12.5,"ts":1700000000000}}. A Flink POJO (public
 * fields, no-argument constructor). The JSON is written and read by hand to keep the examples free
 * of a JSON library; it handles exactly this flat shape.
 */
public class OrderEvent {

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

    byte[] toJson() {
        return String.format(
                        Locale.ROOT,
                        "{\"orderId\":\"%s\",\"customer\":\"%s\",\"amount\":%.2f,\"ts\":%d}",
                        orderId,
                        customer,
                        amount,
                        ts)
                .getBytes(StandardCharsets.UTF_8);
    }

    static OrderEvent fromJson(String json) {
        OrderEvent e = new OrderEvent();
        e.orderId = stringField(json, "orderId");
        e.customer = stringField(json, "customer");
        e.amount = Double.parseDouble(numberField(json, "amount"));
        e.ts = Long.parseLong(numberField(json, "ts"));
        return e;
    }

    private static int valueStart(String json, String name) {
        String key = "\"" + name + "\"";
        int i = json.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("no field '" + name + "' in " + json);
        }
        i = json.indexOf(':', i + key.length());
        if (i < 0) {
            throw new IllegalArgumentException("no value for '" + name + "' in " + json);
        }
        i++;
        while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String stringField(String json, String name) {
        int start = valueStart(json, name);
        if (start >= json.length() || json.charAt(start) != '"') {
            throw new IllegalArgumentException("field '" + name + "' is not a string in " + json);
        }
        int end = json.indexOf('"', start + 1);
        if (end < 0) {
            throw new IllegalArgumentException("unterminated string '" + name + "' in " + json);
        }
        return json.substring(start + 1, end);
    }

    private static String numberField(String json, String name) {
        int start = valueStart(json, name);
        int end = start;
        while (end < json.length() && "+-.0123456789eE".indexOf(json.charAt(end)) >= 0) {
            end++;
        }
        if (end == start) {
            throw new IllegalArgumentException("field '" + name + "' is not a number in " + json);
        }
        return json.substring(start, end);
    }

    @Override
    public String toString() {
        return new String(toJson(), StandardCharsets.UTF_8);
    }
}
