package io.github.kinesisconsumer.store.redis;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.JedisCommands;

/** How {@link RedisCheckpointStore} reaches Redis: a Jedis client or a pool of connections. */
interface RedisClient {

    <T> T run(Command<T> command);

    void close();

    /** One use of a connection. */
    @FunctionalInterface
    interface Command<T> {
        T apply(JedisCommands commands);
    }

    /** A client given by the user (not closed) or built from a URL (closed). */
    static final class Unified implements RedisClient {
        private final UnifiedJedis jedis;
        private final boolean owned;

        Unified(UnifiedJedis jedis, boolean owned) {
            this.jedis = jedis;
            this.owned = owned;
        }

        @Override
        public <T> T run(Command<T> command) {
            return command.apply(jedis);
        }

        @Override
        public void close() {
            if (owned) {
                jedis.close();
            }
        }
    }

    /** A pool given by the user; a connection is borrowed per command. */
    static final class Pooled implements RedisClient {
        private final JedisPool pool;

        Pooled(JedisPool pool) {
            this.pool = pool;
        }

        @Override
        public <T> T run(Command<T> command) {
            try (Jedis jedis = pool.getResource()) {
                return command.apply(jedis);
            }
        }

        @Override
        public void close() {}
    }
}
