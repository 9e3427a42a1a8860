/**
 * The benchmarks' scratch folders ({@link org.syncready.bench.scratch.ScratchFolder}). A package of its
 * own, below the benchmark packages that use it, so no package of the bench module depends on the
 * root package that starts them ({@code BenchMain}).
 */
package org.syncready.bench.scratch;
