/**
 * Benchmark commands ({@link org.syncready.bench.BenchMain}): each prints its figures and has a
 * {@code --quick} mode that the build runs as a smoke test.
 */
package org.syncready.bench;
