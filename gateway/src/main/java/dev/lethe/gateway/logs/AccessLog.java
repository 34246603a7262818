package dev.lethe.gateway.logs;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished request on the logger {@value #LOGGER}, so operators can route it apart (a
 * file, another collector) or turn it off in their logback configuration. A line holds the method,
 * the route template (never the raw path or query string), the status (499: the client went away
 * first), the input decision, the rules version it was judged by, the backend and model, the
 * latency and the request id; in the human format as one readable message, in JSON also as
 * key-value pairs. Never a header, a body or a prompt.
 */
public final class AccessLog {
  /** The access log's logger name. */
  public static final String LOGGER = "lethe.access";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private AccessLog() {}

  /**
   * One finished request.
   *
   * @param method the HTTP method
   * @param route the route template ({@code unmatched} for none)
   * @param status the status sent, or 499 when the client closed the connection first
   * @param decision the input decision's wire name
   * @param rulesVersion the rules version the request was judged by (or an admin write produced)
   * @param backend the backend that served it, or {@code none}
   * @param model the model asked for, or {@code none}
   * @param nanos the time from the request's arrival to its end
   * @param requestId the request id (as in {@code x-request-id})
   */
  public record Entry(
      String method,
      String route,
      int status,
      String decision,
      long rulesVersion,
      String backend,
      String model,
      long nanos,
      String requestId) {}

  /** Whether access lines are written at all (the logger's level is INFO or finer). */
  public static boolean enabled() {
    return LOG.isInfoEnabled();
  }

  /**
   * {@code nanos} in milliseconds with three decimals, rounded half up: what {@code
   * String.format(Locale.ROOT, "%.3f", nanos / 1e6)} writes, without a {@link java.util.Formatter}
   * per request line (the most costly part of a line).
   */
  static String millis(long nanos) {
    if (nanos < 0 || nanos > Long.MAX_VALUE - 500) {
      return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
    long micros = (nanos + 500) / 1000;
    long frac = micros % 1000;
    return (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
  }

  /** Logs one request. */
  public static void log(Entry e) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    String ms = millis(e.nanos());
    LOG.atInfo()
        .addKeyValue("method", e.method())
        .addKeyValue("route", e.route())
        .addKeyValue("status", e.status())
        .addKeyValue("decision", e.decision())
        .addKeyValue("rulesVersion", e.rulesVersion())
        .addKeyValue("backend", e.backend())
        .addKeyValue("model", e.model())
        .addKeyValue("latencyMs", ms)
        .addKeyValue("requestId", e.requestId())
        .log(
            e.method()
                + " "
                + e.route()
                + " "
                + e.status()
                + " decision="
                + e.decision()
                + " rules="
                + e.rulesVersion()
                + " backend="
                + e.backend()
                + " model="
                + e.model()
                + " "
                + ms
                + "ms id="
                + e.requestId());
  }
}
