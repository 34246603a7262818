package dev.lethe.gateway.logs;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The format of every log line: {@link #HUMAN} ({@code 12:00:00.000 INFO logger - message}) or
 * {@link #JSON} (one JSON object per line, by logback's own {@code JsonEncoder}: {@code timestamp},
 * {@code level}, {@code threadName}, {@code loggerName}, {@code formattedMessage}, {@code kvpList},
 * {@code mdc}, {@code throwable}). Both go to stderr; {@code logback.xml} picks the appender from
 * the system property {@value #PROPERTY}.
 */
public enum LogFormat {
  /** One readable line per event (the default). */
  HUMAN,
  /** One JSON object per line. */
  JSON;

  /**
   * Vert.x Web's router, capped at DEBUG in {@code logback.xml}: at TRACE it logs every request's
   * raw URI, query string included (where some clients put keys).
   */
  public static final String RAW_URI_LOGGER = "io.vertx.ext.web.impl.RouterImpl";

  /** The system property {@code logback.xml} reads: {@code HUMAN} or {@code JSON}. */
  public static final String PROPERTY = "lethe.log.format";

  /**
   * The format named {@code name} ({@code human} or {@code json}, any case).
   *
   * @throws IllegalArgumentException naming the value and what was expected
   */
  public static LogFormat parse(String name) {
    String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
    for (LogFormat f : values()) {
      if (f.name().equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException("\"" + name + "\" (expected: human or json)");
  }

  /**
   * Makes this the format of every log line from now on: reloads the bundled {@code logback.xml}
   * with {@value #PROPERTY} set (unless {@code -Dlogback.configurationFile} names the operator's
   * own configuration, which is left alone), and routes {@code java.util.logging} into it.
   */
  public void apply() {
    System.setProperty(PROPERTY, name());
    routeJul();
    if (System.getProperty("logback.configurationFile") != null
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    URL config = LogFormat.class.getResource("/logback.xml");
    if (config == null) {
      return;
    }
    context.reset();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    try {
      joran.doConfigure(config);
    } catch (JoranException e) {
      // logback reports configuration errors on its own status channel (stderr)
    }
  }

  /** Routes {@code java.util.logging} (Lucene's, for one) to SLF4J, once. */
  public static synchronized void routeJul() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}
