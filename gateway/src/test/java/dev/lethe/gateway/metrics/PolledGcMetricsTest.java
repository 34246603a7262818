package dev.lethe.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PolledGcMetricsTest {

  /** A management bean answering the named getters from {@code values}. */
  @SuppressWarnings("unchecked")
  private static <T> T bean(Class<T> type, Map<String, Object> values) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getName().equals("equals")) {
                return proxy == args[0];
              }
              if (method.getName().equals("hashCode")) {
                return System.identityHashCode(proxy);
              }
              Object v = values.get(method.getName());
              return v instanceof java.util.function.Supplier<?> s ? s.get() : v;
            });
  }

  private static GarbageCollectorMXBean collector(String name, AtomicLong count, AtomicLong ms) {
    return bean(
        GarbageCollectorMXBean.class,
        Map.of(
            "getName",
            name,
            "getCollectionCount",
            (java.util.function.Supplier<Long>) count::get,
            "getCollectionTime",
            (java.util.function.Supplier<Long>) ms::get));
  }

  private static MemoryPoolMXBean pool(String name, MemoryType type, long usedAfter, long max) {
    return bean(
        MemoryPoolMXBean.class,
        Map.of(
            "getName",
            name,
            "getType",
            type,
            "getCollectionUsage",
            new MemoryUsage(0, usedAfter, usedAfter, max),
            "getUsage",
            new MemoryUsage(0, usedAfter * 2, usedAfter * 2, max)));
  }

  @Test
  void pausesAndCyclesAreReadFromTheBeansAtScrapeTime() {
    AtomicLong pauses = new AtomicLong(3);
    AtomicLong pauseMs = new AtomicLong(1_500);
    AtomicLong cycles = new AtomicLong(2);
    AtomicLong cycleMs = new AtomicLong(250);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new PolledGcMetrics(
            List.of(
                collector("ZGC Minor Pauses", pauses, pauseMs),
                collector("ZGC Minor Cycles", cycles, cycleMs)),
            List.of(
                pool("ZGC Young Generation", MemoryType.HEAP, 7, 100),
                pool("ZGC Old Generation", MemoryType.HEAP, 4_096, 1 << 30),
                pool("Metaspace", MemoryType.NON_HEAP, 9, -1)),
            null)
        .bindTo(registry);

    String first = registry.scrape();
    assertThat(first)
        .contains("# TYPE jvm_gc_pause_seconds summary")
        .contains("jvm_gc_pause_seconds_count{gc=\"ZGC Minor Pauses\"} 3")
        .contains("jvm_gc_pause_seconds_sum{gc=\"ZGC Minor Pauses\"} 1.5")
        .contains("# TYPE jvm_gc_concurrent_phase_time_seconds summary")
        .contains("jvm_gc_concurrent_phase_time_seconds_count{gc=\"ZGC Minor Cycles\"} 2")
        .contains("jvm_gc_concurrent_phase_time_seconds_sum{gc=\"ZGC Minor Cycles\"} 0.25")
        .contains("# TYPE jvm_gc_live_data_size_bytes gauge")
        .contains("jvm_gc_live_data_size_bytes 4096.0")
        .contains("jvm_gc_max_data_size_bytes 1.073741824E9")
        // no thread bean given: no allocation counter, and never a cycle counted as a pause
        .doesNotContain("jvm_gc_memory_allocated")
        .doesNotContain("jvm_gc_pause_seconds_count{gc=\"ZGC Minor Cycles\"}");

    // the next scrape reads the beans again: nothing was recorded in between
    pauses.set(10);
    pauseMs.set(1_502);
    assertThat(registry.scrape())
        .contains("jvm_gc_pause_seconds_count{gc=\"ZGC Minor Pauses\"} 10")
        .contains("jvm_gc_pause_seconds_sum{gc=\"ZGC Minor Pauses\"} 1.502");
  }

  @Test
  void theLongLivedPoolIsTheOldGenerationOrTheOnlyHeapPool() {
    assertThat(PolledGcMetrics.concurrent("ZGC Major Cycles")).isTrue();
    assertThat(PolledGcMetrics.concurrent("Shenandoah Cycles")).isTrue();
    assertThat(PolledGcMetrics.concurrent("ZGC Major Pauses")).isFalse();
    assertThat(PolledGcMetrics.concurrent("G1 Young Generation")).isFalse();
    assertThat(PolledGcMetrics.concurrent("G1 Concurrent GC")).isFalse();

    MemoryPoolMXBean eden = pool("G1 Eden Space", MemoryType.HEAP, 1, 2);
    MemoryPoolMXBean old = pool("G1 Old Gen", MemoryType.HEAP, 1, 2);
    MemoryPoolMXBean meta = pool("Metaspace", MemoryType.NON_HEAP, 1, 2);
    MemoryPoolMXBean zheap = pool("ZHeap", MemoryType.HEAP, 1, 2);
    MemoryPoolMXBean epsilon = pool("Epsilon Heap", MemoryType.HEAP, 1, 2);
    assertThat(PolledGcMetrics.longLivedPool(List.of(eden, old, meta))).contains(old);
    assertThat(PolledGcMetrics.longLivedPool(List.of(meta, zheap))).contains(zheap);
    assertThat(PolledGcMetrics.longLivedPool(List.of(meta, epsilon))).contains(epsilon);
    assertThat(PolledGcMetrics.longLivedPool(List.of(eden, epsilon, meta))).isEmpty();
  }

  @Test
  void thisJvmExportsTheGcFamiliesWithTheirTypes() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new PolledGcMetrics().bindTo(registry);
    System.gc();
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("# TYPE jvm_gc_pause_seconds summary")
        .contains("# TYPE jvm_gc_live_data_size_bytes gauge")
        .contains("# TYPE jvm_gc_max_data_size_bytes gauge")
        .contains("# TYPE jvm_gc_memory_allocated_bytes_total counter");
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      String family =
          PolledGcMetrics.concurrent(gc.getName())
              ? "jvm_gc_concurrent_phase_time_seconds"
              : "jvm_gc_pause_seconds";
      assertThat(scrape).contains(family + "_count{gc=\"" + gc.getName() + "\"}");
    }
  }
}
