package io.github.kinesisconsumer.testing;

import javax.sql.DataSource;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A DataSource that counts the statements its connections execute (round trips). */
public final class CountingDataSource {

    /** Opens a real connection. */
    public interface Connector {
        Connection connect() throws java.sql.SQLException;
    }

    public final AtomicInteger executions = new AtomicInteger();
    public final AtomicInteger batchAdds = new AtomicInteger();
    public final List<String> preparedSql = new CopyOnWriteArrayList<>();
    private final Connector db;

    public CountingDataSource(Connector db) {
        this.db = db;
    }

    public void reset() {
        executions.set(0);
        batchAdds.set(0);
        preparedSql.clear();
    }

    public DataSource dataSource() {
        return proxy(
                DataSource.class,
                (p, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return connection(db.connect());
                    }
                    if (method.getName().equals("toString")) {
                        return "CountingDataSource";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private Connection connection(Connection target) {
        return proxy(
                Connection.class,
                (p, method, args) -> {
                    Object result = invoke(target, method, args);
                    if (method.getName().equals("prepareStatement")) {
                        preparedSql.add((String) args[0]);
                        return statement(PreparedStatement.class, (PreparedStatement) result);
                    }
                    if (method.getName().equals("createStatement")) {
                        return statement(Statement.class, (Statement) result);
                    }
                    return result;
                });
    }

    private <S extends Statement> S statement(Class<S> type, S target) {
        return proxy(
                type,
                (p, method, args) -> {
                    String name = method.getName();
                    if (name.startsWith("execute") && !name.equals("executeQuery")) {
                        executions.incrementAndGet();
                    }
                    if (name.equals("addBatch")) {
                        batchAdds.incrementAndGet();
                    }
                    return invoke(target, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
            throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(
                Proxy.newProxyInstance(
                        CountingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
