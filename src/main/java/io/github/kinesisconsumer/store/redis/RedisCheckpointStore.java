package io.github.kinesisconsumer.store.redis;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisURIHelper;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoints in Redis, readable and writable by harlow/kinesis-consumer's Redis store.
 *
 * <p>The key {@code <app>:checkpoint:<stream>:<shard>} holds the sequence number as a plain string,
 * exactly as the Go library writes it. The sub-sequence number and the finished flag live in a
 * second key, {@code <app>:checkpoint-meta:<stream>:<shard>}, holding the exact position {@code
 * <sequence>,<subSequence>,<0|1>}; it applies only while the first key does not lie past its
 * sequence number, so a key written by the Go library alone (or overwritten by it later with a
 * position further on) reads as {@link Checkpoint#at(String)}. Inside a KPL aggregate the first key
 * keeps the last record read whole, from which the Go library, resuming after whole records, loses
 * nothing.
 *
 * <p>Writes go through one Lua script that compares and sets both keys atomically, so no writer can
 * move a position backwards; a {@link #putAll} is one script call. A single Redis server (or a
 * primary with replicas) is required: the script touches keys of several shards, which Redis
 * Cluster would spread over slots.
 *
 * <p>Build with {@link #builder()}.
 */
@PublicEvolving
public final class RedisCheckpointStore implements CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCheckpointStore.class);

    /** The Lua script that writes only newer checkpoints; see put-checkpoints.lua. */
    static final String PUT_SCRIPT = RedisScripts.load("put-checkpoints.lua");

    private static final String PUT_SCRIPT_SHA = RedisScripts.sha1Hex(PUT_SCRIPT);
    private static final Pattern META = Pattern.compile("(\\d+),(-?\\d+),([01])");
    private static final int MGET_SHARDS = 500;
    private static final int SCAN_COUNT = 1000;

    private final RedisClient client;
    private final String description;

    private RedisCheckpointStore(RedisClient client, String description) {
        this.client = client;
        this.description = description;
    }

    /** Starts configuring a store. */
    public static Builder builder() {
        return new Builder();
    }

    /** The key harlow/kinesis-consumer keeps a shard's sequence number in. */
    public static String valueKey(String appName, String streamName, String shardId) {
        return appName + ":checkpoint:" + streamName + ":" + shardId;
    }

    /** The key this store keeps a shard's sub-sequence number and finished flag in. */
    public static String metaKey(String appName, String streamName, String shardId) {
        return appName + ":checkpoint-meta:" + streamName + ":" + shardId;
    }

    @Override
    public Optional<Checkpoint> get(CheckpointKey key) {
        String valueKey = valueKey(key.appName(), key.streamName(), key.shardId());
        String metaKey = metaKey(key.appName(), key.streamName(), key.shardId());
        List<String> values = run("get " + key, c -> c.mget(valueKey, metaKey));
        return Optional.ofNullable(decode(valueKey, values.get(0), values.get(1)));
    }

    @Override
    public Map<String, Checkpoint> getAll(String appName, String streamName) {
        String prefix = valueKey(appName, streamName, "");
        String operation = "getAll " + appName + "/" + streamName;
        ScanParams params = new ScanParams().match(escapeGlob(prefix) + "*").count(SCAN_COUNT);
        Set<String> shards = new LinkedHashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            String at = cursor;
            ScanResult<String> page = run(operation, c -> c.scan(at, params));
            for (String key : page.getResult()) {
                shards.add(key.substring(prefix.length()));
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));

        Map<String, Checkpoint> out = new HashMap<>();
        List<String> all = new ArrayList<>(shards);
        for (int from = 0; from < all.size(); from += MGET_SHARDS) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + MGET_SHARDS));
            String[] keys = new String[batch.size() * 2];
            for (int i = 0; i < batch.size(); i++) {
                keys[2 * i] = valueKey(appName, streamName, batch.get(i));
                keys[2 * i + 1] = metaKey(appName, streamName, batch.get(i));
            }
            List<String> values = run(operation, c -> c.mget(keys));
            for (int i = 0; i < batch.size(); i++) {
                Checkpoint checkpoint =
                        decode(keys[2 * i], values.get(2 * i), values.get(2 * i + 1));
                if (checkpoint != null) {
                    out.put(batch.get(i), checkpoint);
                }
            }
        }
        return out;
    }

    @Override
    public void putAll(String appName, String streamName, Map<String, Checkpoint> checkpoints) {
        if (checkpoints.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(checkpoints.size() * 2);
        List<String> args = new ArrayList<>(checkpoints.size() * 4);
        checkpoints.forEach(
                (shardId, checkpoint) -> {
                    Objects.requireNonNull(checkpoint, "checkpoint of " + shardId);
                    keys.add(valueKey(appName, streamName, shardId));
                    keys.add(metaKey(appName, streamName, shardId));
                    args.add(checkpoint.sequenceNumber());
                    args.add(Long.toString(checkpoint.subSequenceNumber()));
                    args.add(checkpoint.isFinished() ? "1" : "0");
                    String whole = checkpoint.wholeRecordSequence();
                    args.add(whole == null ? "" : whole);
                });
        String operation =
                "putAll " + appName + "/" + streamName + " (" + checkpoints.size() + " shards)";
        Object written =
                run(
                        operation,
                        c -> {
                            try {
                                return c.evalsha(PUT_SCRIPT_SHA, keys, args);
                            } catch (JedisNoScriptException e) {
                                return c.eval(PUT_SCRIPT, keys, args);
                            }
                        });
        LOG.debug(
                "{}: {} wrote {} of {} checkpoints",
                description,
                operation,
                written,
                checkpoints.size());
    }

    @Override
    public void delete(CheckpointKey key) {
        String valueKey = valueKey(key.appName(), key.streamName(), key.shardId());
        String metaKey = metaKey(key.appName(), key.streamName(), key.shardId());
        run("delete " + key, c -> c.del(valueKey, metaKey));
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the connection pool failed", description, e);
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private Checkpoint decode(String valueKey, String value, String meta) {
        if (value == null) {
            return null;
        }
        try {
            if (meta != null) {
                Matcher m = META.matcher(meta);
                if (m.matches()
                        && new BigInteger(value).compareTo(new BigInteger(m.group(1))) <= 0) {
                    return Checkpoint.of(
                                    m.group(1), Long.parseLong(m.group(2)), "1".equals(m.group(3)))
                            .withWholeRecordSequence(value);
                }
            }
            return Checkpoint.at(value);
        } catch (IllegalArgumentException e) {
            throw new CheckpointStoreException(
                    description
                            + ": key '"
                            + valueKey
                            + "' does not hold a sequence number: "
                            + e.getMessage(),
                    e);
        }
    }

    private <T> T run(String operation, RedisClient.Command<T> command) {
        try {
            return client.run(command);
        } catch (JedisException e) {
            throw new CheckpointStoreException(
                    description + ": " + operation + " failed: " + e.getMessage(), e);
        }
    }

    static String escapeGlob(String literal) {
        StringBuilder out = new StringBuilder(literal.length() + 8);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * Configures a {@link RedisCheckpointStore}: either a {@link #url(String)} (the store then owns
     * its connection pool) or a client you provide and close yourself.
     */
    public static final class Builder {

        private static final int DEFAULT_PORT = 6379;

        private String url;
        private UnifiedJedis jedis;
        private JedisPool jedisPool;
        private Integer maxTotal;
        private Duration connectionTimeout;
        private Duration socketTimeout;

        private Builder() {}

        /**
         * {@code redis://[[user]:password@]host[:port][/database]}, or {@code rediss://...} for
         * TLS. User and password must be URL-encoded.
         */
        public Builder url(String url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * A client you created, for example a {@link JedisPooled} with your own TLS or credentials
         * settings. The store does not close it.
         */
        public Builder jedis(UnifiedJedis jedis) {
            this.jedis = Objects.requireNonNull(jedis, "jedis");
            return this;
        }

        /** A pool you created. The store does not close it. */
        public Builder jedisPool(JedisPool jedisPool) {
            this.jedisPool = Objects.requireNonNull(jedisPool, "jedisPool");
            return this;
        }

        /** Most connections the store's pool opens (with {@link #url}); default 8. */
        public Builder maxTotal(int maxTotal) {
            if (maxTotal < 1) {
                throw new IllegalArgumentException("maxTotal must be >= 1, but was " + maxTotal);
            }
            this.maxTotal = maxTotal;
            return this;
        }

        /** How long connecting may take (with {@link #url}); default 2 s. */
        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = positive(timeout, "connectionTimeout");
            return this;
        }

        /** How long a reply may take (with {@link #url}); default 2 s. */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = positive(timeout, "socketTimeout");
            return this;
        }

        /**
         * The store. With {@link #url} it opens its own pool, lazily: an unreachable server shows
         * up as {@link CheckpointStoreException} from the first operation, not here.
         */
        public RedisCheckpointStore build() {
            int sources =
                    (url != null ? 1 : 0) + (jedis != null ? 1 : 0) + (jedisPool != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalStateException(
                        "set exactly one of url(...), jedis(...) or jedisPool(...)");
            }
            if (url == null) {
                if (maxTotal != null || connectionTimeout != null || socketTimeout != null) {
                    throw new IllegalStateException(
                            "maxTotal, connectionTimeout and socketTimeout apply only with url(...);"
                                    + " configure them on the client you provide");
                }
                return jedis != null
                        ? new RedisCheckpointStore(
                                new RedisClient.Unified(jedis, false),
                                "Redis checkpoint store (provided client)")
                        : new RedisCheckpointStore(
                                new RedisClient.Pooled(jedisPool),
                                "Redis checkpoint store (provided pool)");
            }
            URI uri = parse(url);
            String host = uri.getHost();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            HostAndPort address =
                    new HostAndPort(host, uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort());
            String user = user(uri);
            String password = password(uri);
            int database = JedisURIHelper.getDBIndex(uri);
            boolean tls = JedisURIHelper.isRedisSSLScheme(uri);
            RedisProtocol protocol = JedisURIHelper.getRedisProtocol(uri);
            Duration connect =
                    connectionTimeout != null ? connectionTimeout : Duration.ofSeconds(2);
            Duration socket = socketTimeout != null ? socketTimeout : Duration.ofSeconds(2);

            DefaultJedisClientConfig.Builder config =
                    DefaultJedisClientConfig.builder()
                            .connectionTimeoutMillis(millis(connect))
                            .socketTimeoutMillis(millis(socket))
                            .user(user)
                            .password(password)
                            .database(database)
                            .ssl(tls);
            if (protocol != null) {
                config.protocol(protocol);
            }
            ConnectionPoolConfig pool = new ConnectionPoolConfig();
            pool.setMaxTotal(maxTotal != null ? maxTotal : 8);
            pool.setMaxWait(connect.plus(socket));

            String description =
                    "Redis checkpoint store "
                            + uri.getScheme()
                            + "://"
                            + (user != null ? user : "")
                            + (password != null ? ":***" : "")
                            + (user != null || password != null ? "@" : "")
                            + address
                            + (database != 0 ? "/" + database : "");
            return new RedisCheckpointStore(
                    new RedisClient.Unified(new JedisPooled(address, config.build(), pool), true),
                    description);
        }

        private static URI parse(String url) {
            String expected =
                    "; expected redis://[[user]:password@]host[:port][/database] or rediss://...";
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                // the message would echo the URL and with it any password
                throw new IllegalArgumentException("not a valid Redis URL" + expected);
            }
            if (!JedisURIHelper.isRedisScheme(uri) && !JedisURIHelper.isRedisSSLScheme(uri)) {
                throw new IllegalArgumentException(
                        "Redis URL scheme must be redis or rediss, but was '"
                                + uri.getScheme()
                                + "'"
                                + expected);
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("Redis URL has no host" + expected);
            }
            try {
                JedisURIHelper.getDBIndex(uri);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "Redis URL path must be a database number" + expected);
            }
            return uri;
        }

        private static String user(URI uri) {
            String userInfo = uri.getUserInfo();
            if (userInfo == null) {
                return null;
            }
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            return user.isEmpty() ? null : user;
        }

        private static String password(URI uri) {
            String userInfo = uri.getUserInfo();
            if (userInfo == null) {
                return null;
            }
            int colon = userInfo.indexOf(':');
            return colon < 0 ? null : userInfo.substring(colon + 1);
        }

        private static int millis(Duration d) {
            return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, but was " + d);
            }
            return d;
        }
    }
}
