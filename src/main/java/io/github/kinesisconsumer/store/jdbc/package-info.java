/**
 * Checkpoint stores in PostgreSQL and MySQL/MariaDB tables, in the layout of
 * harlow/kinesis-consumer plus two optional columns.
 */
package io.github.kinesisconsumer.store.jdbc;
