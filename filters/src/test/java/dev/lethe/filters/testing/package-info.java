/** Test data shared by the filters module's tests and benchmarks. */
package dev.lethe.filters.testing;
