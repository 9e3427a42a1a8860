/**
 * JMH micro-benchmarks of the in-process hot path of ingest: decoding and encoding a realistic status
 * with {@link org.syncready.protocol.MessageCodec}, and folding it into
 * {@link org.syncready.controller.fleet.LiveFleet}. Run with {@code org.openjdk.jmh.Main}.
 */
package org.syncready.bench.micro;
