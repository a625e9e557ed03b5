package io.github.kinesisconsumer.store.jdbc;

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

/** A DataSource over {@link TestDatabase} that counts the statements its connections execute. */
final class CountingDataSource {

    final AtomicInteger executions = new AtomicInteger();
    final AtomicInteger batchAdds = new AtomicInteger();
    final List<String> preparedSql = new CopyOnWriteArrayList<>();
    private final TestDatabase db;

    CountingDataSource(TestDatabase db) {
        this.db = db;
    }

    void reset() {
        executions.set(0);
        batchAdds.set(0);
        preparedSql.clear();
    }

    DataSource dataSource() {
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
