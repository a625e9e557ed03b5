/**
 * Consumer groups for the standalone consumer: several processes share a stream's shards through
 * leases in a DynamoDB table, with fencing of every checkpoint by the lease counter.
 */
package io.github.kinesisconsumer.group;
