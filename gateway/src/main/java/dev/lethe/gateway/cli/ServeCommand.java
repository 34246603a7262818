package dev.lethe.gateway.cli;

import ch.qos.logback.classic.LoggerContext;
import dev.lethe.config.BackendConfig;
import dev.lethe.config.ConfigException;
import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.backend.local.ModelSlot;
import dev.lethe.gateway.logs.LogFormat;
import io.vertx.core.Vertx;
import java.net.BindException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lethe serve}: starts the gateway (DESIGN.md §3.1). */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Starts the Lethe gateway.",
      "With no backend (no --upstream, none in --config) it serves the built-in demo model"
          + " lethe-demo, unpacked to DIR/models/lethe-demo.",
      "With --upstream URL it fronts an OpenAI-compatible API (key from $LETHE_UPSTREAM_API_KEY if set,"
          + " else the client's Authorization header is forwarded), or with --upstream-type anthropic"
          + " the Anthropic Messages API (key from $ANTHROPIC_API_KEY if set)."
    })
public final class ServeCommand implements java.util.concurrent.Callable<Integer> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServeCommand.class);

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path config;

  @Option(names = "--host", paramLabel = "H", description = "Address to bind (default 127.0.0.1).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "Port to listen on (default 8080; 0 = any).")
  Integer port;

  @Option(
      names = "--upstream",
      paramLabel = "URL",
      description =
          "Front the OpenAI-compatible API at base URL URL, e.g. http://127.0.0.1:9000/v1.")
  String upstream;

  @Option(
      names = "--upstream-type",
      paramLabel = "TYPE",
      description =
          "The API at --upstream: openai (default; key from $LETHE_UPSTREAM_API_KEY) or anthropic"
              + " (Messages API, e.g. https://api.anthropic.com/v1; key from $ANTHROPIC_API_KEY)."
              + " Without a key the client's own credentials are forwarded.")
  String upstreamType;

  @Option(
      names = "--model",
      paramLabel = "NAME",
      description =
          "A model the --upstream serves (repeatable). Skips model discovery (GET /models), e.g."
              + " for an upstream that lists models only with a key the gateway does not hold.")
  List<String> models;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (default ./lethe-data).")
  Path data;

  @Option(
      names = "--store",
      paramLabel = "URL",
      description =
          "Keep the rules in a shared PostgreSQL database, postgresql://USER@HOST:PORT/DB"
              + " (password from $PGPASSWORD), instead of the journal in the data directory.")
  String store;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description =
          "Log lines on stderr: human (default) or json (one JSON object per line). The access log"
              + " (one line per request) is the logger lethe.access.")
  String logFormat;

  @Option(
      names = "--start-without-store",
      description =
          "With --store: start even when the database is unreachable, serving with NO rules"
              + " until it is back (logged and counted; off by default: refuse to start).")
  boolean startWithoutStore;

  @Override
  public Integer call() throws Exception {
    LetheConfig cfg;
    try {
      if (logFormat != null) {
        try {
          LogFormat.parse(logFormat).apply();
        } catch (IllegalArgumentException e) {
          throw new ConfigException("--log-format", logFormat, "human or json");
        }
      }
      cfg = config == null ? LetheConfig.defaults() : LetheConfig.load(config);
      if (host != null || port != null) {
        if (port != null && (port < 0 || port > 65535)) {
          throw new ConfigException("--port", port, "0..65535");
        }
        cfg =
            cfg.withServer(
                cfg.server()
                    .withAddress(
                        host != null ? host : cfg.server().host(),
                        port != null ? port : cfg.server().port()));
      }
      if (data != null) {
        cfg = cfg.withDataDir(data);
      }
      if (store != null) {
        cfg = cfg.withStore(cfg.store().withUrl("--store", store));
      }
      if (startWithoutStore) {
        if (cfg.store().postgres() == null) {
          throw new ConfigException(
              "--start-without-store", "set", "only with --store (or store.url in --config)");
        }
        cfg = cfg.withStore(cfg.store().withStartWithoutStore(true));
      }
      if (upstream == null && (upstreamType != null || models != null)) {
        throw new ConfigException(
            upstreamType != null ? "--upstream-type" : "--model",
            upstreamType != null ? upstreamType : models,
            "only together with --upstream URL");
      }
      if (upstream != null) {
        String type =
            upstreamType == null ? BackendConfig.OPENAI : upstreamType.toLowerCase(Locale.ROOT);
        BackendConfig b;
        if (type.equals(BackendConfig.OPENAI)) {
          b =
              BackendConfig.upstream(
                  "upstream",
                  BackendConfig.parseBaseUrl("--upstream", upstream),
                  "LETHE_UPSTREAM_API_KEY");
        } else if (type.equals(BackendConfig.ANTHROPIC)) {
          b =
              BackendConfig.anthropic(
                  "upstream",
                  BackendConfig.parseBaseUrl("--upstream", upstream),
                  "ANTHROPIC_API_KEY");
        } else {
          throw new ConfigException("--upstream-type", upstreamType, "openai or anthropic");
        }
        if (models != null) {
          for (String m : models) {
            if (m.isBlank()) {
              throw new ConfigException("--model", m, "a model name");
            }
          }
          b = b.withModels(models);
        }
        cfg = cfg.withBackends(List.of(b));
      }
      if (cfg.backends().isEmpty()) {
        // The embedded default: the built-in demo model, unpacked to the data directory.
        cfg = cfg.withBackends(List.of(BackendConfig.local("local", List.of(), null)));
      }
    } catch (ConfigException e) {
      System.err.println("lethe serve: " + e.getMessage());
      return 2;
    }

    Vertx vertx = Vertx.vertx();
    LetheGateway gateway;
    GatewayAssembly assembly;
    try {
      assembly = GatewayAssembly.create(vertx, cfg, System.getenv());
      // start completes once the servers listen and the screening's warm-up has ended (at most
      // detector.warmup and 5 s later)
      gateway =
          LetheGateway.start(vertx, assembly.parts())
              .await(60 + cfg.detector().warmup().toSeconds(), TimeUnit.SECONDS);
      assembly.announce(cfg.server().host(), gateway.port());
      assembly.startProbing(vertx, gateway);
    } catch (ConfigException e) {
      System.err.println("lethe serve: " + e.getMessage());
      vertx.close();
      return 2;
    } catch (dev.lethe.config.rules.RuleStoreException e) {
      System.err.println("lethe serve: could not start: " + e.getMessage());
      vertx.close();
      return 1;
    } catch (Exception e) {
      String why = rootMessage(e);
      if (causedBy(e, BindException.class)) {
        // The JDK's message ("Address already in use") does not say which address.
        why =
            "cannot listen on "
                + cfg.server().host()
                + ":"
                + cfg.server().port()
                + ": "
                + why
                + " (choose another with --port, or stop what holds it)";
      }
      System.err.println("lethe serve: could not start: " + why);
      vertx.close();
      return 1;
    }
    System.out.println(
        "Lethe listening on http://"
            + cfg.server().host()
            + ":"
            + gateway.port()
            + " (OpenAI API under /v1)");
    for (ModelSlot s : assembly.models().slots()) {
      System.out.println(
          "Model "
              + s.model()
              + " (local) from "
              + s.current().directory()
              + ", see GET /admin/models");
    }
    System.out.println(
        "Rules "
            + (cfg.store().postgres() == null
                ? "in " + cfg.dataDir().resolve("rules")
                : "in "
                    + cfg.store().postgres()
                    + " as replica "
                    + assembly.replication().replicaId())
            + ", version "
            + assembly.rules().current().version());
    // GC pauses are exported for the life of this process (the listener is never unbound).
    @SuppressWarnings("unused")
    AutoCloseable gcPauses = assembly.parts().metrics().bindGcPauses();
    System.out.println("Admin token " + assembly.adminToken().source());
    System.out.flush();

    final LetheGateway running = gateway;
    final GatewayAssembly wiring = assembly;
    final LetheConfig effective = cfg;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info(
                      "shutting down (in-flight requests get up to {} s)",
                      effective.server().shutdownGrace().toSeconds());
                  try {
                    running
                        .stop()
                        .await(
                            effective.server().shutdownGrace().toMillis() + 5000,
                            TimeUnit.MILLISECONDS);
                  } catch (Exception e) {
                    LOG.warn("shutdown: {}", rootMessage(e));
                  }
                  try {
                    wiring.close();
                    vertx.close().await(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    // exiting anyway
                  }
                  // Last: the log appenders write what they still hold (the access log's queue).
                  if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext logs) {
                    logs.stop();
                  }
                  stopped.countDown();
                },
                "lethe-shutdown"));
    stopped.await();
    return 0;
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
