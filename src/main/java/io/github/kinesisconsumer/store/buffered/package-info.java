/** A checkpoint store wrapper that batches writes in memory and flushes them periodically. */
package io.github.kinesisconsumer.store.buffered;
