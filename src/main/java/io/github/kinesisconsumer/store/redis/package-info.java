/**
 * A checkpoint store in Redis, in the key layout of harlow/kinesis-consumer. Needs {@code
 * redis.clients:jedis} on the class path.
 */
package io.github.kinesisconsumer.store.redis;
