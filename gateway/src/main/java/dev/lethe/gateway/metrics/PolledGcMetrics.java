package dev.lethe.gateway.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Garbage-collection meters read from the JVM's management beans when the registry is scraped,
 * instead of from GC notifications.
 *
 * <p>Micrometer's {@code JvmGcMetrics} subscribes to every collection's notification; once anything
 * listens, the JDK builds a {@code GcInfo} (memory usage of every pool before and after) on its
 * notification thread for each collection, and the listener then records it. Generational ZGC
 * collects the young generation several times a second under load, and a profile of the no-rules
 * path put 11% of the gateway's Java samples there. The beans keep the same totals (collections and
 * accumulated time per collector) at no cost until someone asks, so these meters poll them:
 *
 * <ul>
 *   <li>{@code jvm.gc.pause} ({@code jvm_gc_pause_seconds_count|sum}, a summary): stop-the-world
 *       pauses per collector bean, tagged {@code gc} (e.g. {@code ZGC Minor Pauses}, {@code G1
 *       Young Generation}).
 *   <li>{@code jvm.gc.concurrent.phase.time} ({@code jvm_gc_concurrent_phase_time_seconds_*}):
 *       concurrent cycles (beans named {@code ... Cycles}, e.g. {@code ZGC Major Cycles}), tagged
 *       {@code gc}.
 *   <li>{@code jvm.gc.live.data.size} ({@code jvm_gc_live_data_size_bytes}): the long-lived heap
 *       pool's usage after its last collection; {@code jvm.gc.max.data.size} ({@code
 *       jvm_gc_max_data_size_bytes}): that pool's maximum.
 *   <li>{@code jvm.gc.memory.allocated} ({@code jvm_gc_memory_allocated_bytes_total}): bytes
 *       allocated on the heap by all threads since the start (where the JVM measures it).
 * </ul>
 *
 * <p>Against {@code JvmGcMetrics} a scraper loses what only a notification carries: the {@code
 * action} and {@code cause} tags, the {@code _max} gauges of the two timers, and {@code
 * jvm_gc_memory_promoted_bytes_total}.
 */
public final class PolledGcMetrics implements MeterBinder {
  private final List<GarbageCollectorMXBean> collectors;
  private final List<MemoryPoolMXBean> pools;
  private final ThreadMXBean threads;

  /** Meters over this JVM's collectors, heap pools and threads. */
  public PolledGcMetrics() {
    this(
        ManagementFactory.getGarbageCollectorMXBeans(),
        ManagementFactory.getMemoryPoolMXBeans(),
        ManagementFactory.getThreadMXBean());
  }

  PolledGcMetrics(
      List<GarbageCollectorMXBean> collectors, List<MemoryPoolMXBean> pools, ThreadMXBean threads) {
    this.collectors = List.copyOf(requireNonNull(collectors, "collectors"));
    this.pools = List.copyOf(requireNonNull(pools, "pools"));
    this.threads = threads;
  }

  /** Whether a collector bean counts concurrent cycles rather than stop-the-world pauses. */
  static boolean concurrent(String collector) {
    return collector.endsWith(" Cycles") || collector.startsWith("Shenandoah Cycles");
  }

  /**
   * The heap pool whose usage after a collection is the live data: the old generation where the
   * heap has one, else the only heap pool a collector manages.
   */
  static Optional<MemoryPoolMXBean> longLivedPool(List<MemoryPoolMXBean> pools) {
    List<MemoryPoolMXBean> heap =
        pools.stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    Optional<MemoryPoolMXBean> old =
        heap.stream()
            .filter(
                p -> {
                  String n = p.getName();
                  return n.contains("Old Gen")
                      || n.contains("Tenured Gen")
                      || n.equals("ZGC Old Generation")
                      || n.equals("ZHeap")
                      || n.equals("Shenandoah");
                })
            .findFirst();
    return old.isPresent() || heap.size() != 1 ? old : Optional.of(heap.get(0));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (GarbageCollectorMXBean bean : collectors) {
      boolean cycles = concurrent(bean.getName());
      FunctionTimer.builder(
              cycles ? "jvm.gc.concurrent.phase.time" : "jvm.gc.pause",
              bean,
              GarbageCollectorMXBean::getCollectionCount,
              b -> Math.max(0, b.getCollectionTime()),
              TimeUnit.MILLISECONDS)
          .tag("gc", bean.getName())
          .description(
              cycles
                  ? "Time spent in concurrent collection cycles"
                  : "Time spent in garbage-collection pauses")
          .register(registry);
    }
    longLivedPool(pools)
        .ifPresent(
            pool -> {
              Gauge.builder("jvm.gc.live.data.size", pool, PolledGcMetrics::usedAfterCollection)
                  .description("Size of the long-lived heap pool after its last collection")
                  .baseUnit("bytes")
                  .register(registry);
              Gauge.builder("jvm.gc.max.data.size", pool, p -> p.getUsage().getMax())
                  .description("Maximum size of the long-lived heap pool")
                  .baseUnit("bytes")
                  .register(registry);
            });
    if (threads instanceof com.sun.management.ThreadMXBean measured
        && measured.isThreadAllocatedMemorySupported()) {
      FunctionCounter.builder(
              "jvm.gc.memory.allocated",
              measured,
              t -> t.isThreadAllocatedMemoryEnabled() ? t.getTotalThreadAllocatedBytes() : 0)
          .description("Bytes allocated on the heap by all threads since the JVM started")
          .baseUnit("bytes")
          .register(registry);
    }
  }

  private static double usedAfterCollection(MemoryPoolMXBean pool) {
    MemoryUsage after = pool.getCollectionUsage();
    return after == null ? 0 : after.getUsed();
  }
}
