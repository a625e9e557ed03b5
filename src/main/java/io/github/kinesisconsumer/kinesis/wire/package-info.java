/**
 * GetRecords answers and enhanced fan-out events decoded by the library: records go straight from
 * the response bytes (JSON or CBOR) into record objects, while the AWS SDK keeps signing,
 * endpoints, credentials, HTTP, retries and error mapping. Nothing here depends on the rest of the
 * library.
 */
package io.github.kinesisconsumer.kinesis.wire;
