package dev.lethe.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.Test;

/** Issue 19, finding 11: rule ids as metric labels can be turned off. */
class GatewayMetricsTest {

  @Test
  void ruleIdsAreHiddenWhenConfigured() {
    GatewayMetrics hidden = new GatewayMetrics(false);
    Counter.builder("lethe.test.decisions")
        .tag("rule", "basil")
        .register(hidden.registry())
        .increment();
    assertThat(hidden.scrape()).contains("rule=\"hidden\"").doesNotContain("basil");

    GatewayMetrics shown = new GatewayMetrics(true);
    Counter.builder("lethe.test.decisions")
        .tag("rule", "basil")
        .register(shown.registry())
        .increment();
    assertThat(shown.scrape()).contains("rule=\"basil\"");
  }

  @Test
  void failuresAndRejectionsAreCountedByReason() {
    GatewayMetrics m = new GatewayMetrics(true);
    m.upstreamFailure("up", "too_large");
    m.upstreamFailure("up", "too_large");
    m.requestRejected("header_timeout");
    assertThat(m.scrape())
        .contains("lethe_upstream_failures_total{backend=\"up\",reason=\"too_large\"} 2.0")
        .contains("lethe_requests_rejected_total{reason=\"header_timeout\"} 1.0");
  }
}
