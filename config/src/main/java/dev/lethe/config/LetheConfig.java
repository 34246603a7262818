package dev.lethe.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole configuration of a Lethe gateway, loaded from YAML once and validated at load.
 *
 * @param server the HTTP listener
 * @param admin admin-API credentials
 * @param dataDir where the rule store and generated files live
 * @param backends the model backends, routed by model name
 * @param output the streaming output filter
 * @param detector the forget-scope detector and input actions
 * @param icul in-context unlearning
 * @param unlearn weight-level unlearning jobs from the admin API
 * @param store where the rules live (the embedded journal, or a shared PostgreSQL store)
 * @param probing continuous probing of the live rules (off by default)
 */
public record LetheConfig(
    ServerConfig server,
    AdminConfig admin,
    Path dataDir,
    List<BackendConfig> backends,
    OutputConfig output,
    DetectorConfig detector,
    IculSettings icul,
    UnlearnSettings unlearn,
    StoreConfig store,
    ProbingConfig probing) {

  /** Checks arguments and copies the backend list. */
  public LetheConfig {
    requireNonNull(server, "server");
    requireNonNull(admin, "admin");
    requireNonNull(dataDir, "dataDir");
    backends = List.copyOf(backends);
    requireNonNull(output, "output");
    requireNonNull(detector, "detector");
    requireNonNull(icul, "icul");
    requireNonNull(unlearn, "unlearn");
    requireNonNull(store, "store");
    requireNonNull(probing, "probing");
  }

  /** The configuration without a probing section (probing off). */
  public LetheConfig(
      ServerConfig server,
      AdminConfig admin,
      Path dataDir,
      List<BackendConfig> backends,
      OutputConfig output,
      DetectorConfig detector,
      IculSettings icul,
      UnlearnSettings unlearn,
      StoreConfig store) {
    this(
        server,
        admin,
        dataDir,
        backends,
        output,
        detector,
        icul,
        unlearn,
        store,
        ProbingConfig.defaults());
  }

  /** The configuration without a store section (the embedded journal). */
  public LetheConfig(
      ServerConfig server,
      AdminConfig admin,
      Path dataDir,
      List<BackendConfig> backends,
      OutputConfig output,
      DetectorConfig detector,
      IculSettings icul,
      UnlearnSettings unlearn) {
    this(server, admin, dataDir, backends, output, detector, icul, unlearn, StoreConfig.defaults());
  }

  /** The embedded default: 127.0.0.1:8080, data in {@code ./lethe-data}, no backend. */
  public static LetheConfig defaults() {
    return new LetheConfig(
        ServerConfig.defaults(),
        AdminConfig.defaults(),
        Path.of("lethe-data"),
        List.of(),
        OutputConfig.defaults(),
        DetectorConfig.defaults(),
        IculSettings.defaults(),
        UnlearnSettings.defaults(),
        StoreConfig.defaults());
  }

  /**
   * Loads and validates a YAML (or JSON) file.
   *
   * @throws ConfigException with a one-line reason naming the field, value and expectation
   */
  public static LetheConfig load(Path file) {
    requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("--config", file.toString(), "an existing YAML file");
    } catch (IOException e) {
      throw new ConfigException("--config", file + ": cannot read: " + e.getMessage());
    }
    return parse(text);
  }

  /**
   * Parses and validates YAML text.
   *
   * @throws ConfigException with a one-line reason naming the field, value and expectation
   */
  public static LetheConfig parse(String yaml) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new ConfigException("", "not valid YAML" + where + ": " + e.getOriginalMessage());
    }
    ConfigNode n = ConfigNode.of(root, "");
    LetheConfig d = defaults();
    ServerConfig server = ServerConfig.read(n.object("server"));
    AdminConfig admin = AdminConfig.read(n.object("admin"));
    String data = n.string("dataDir", d.dataDir().toString());
    if (data.isBlank()) {
      throw new ConfigException("dataDir", data, "a directory path");
    }
    List<BackendConfig> backends = n.objects("backends").stream().map(BackendConfig::read).toList();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < backends.size(); i++) {
      if (!names.add(backends.get(i).name())) {
        throw new ConfigException(
            "backends[" + i + "].name", backends.get(i).name(), "a name no other backend uses");
      }
    }
    OutputConfig output = OutputConfig.read(n.object("output"));
    DetectorConfig detector = DetectorConfig.read(n.object("detector"));
    IculSettings icul = IculSettings.read(n.object("icul"));
    UnlearnSettings unlearn = UnlearnSettings.read(n.object("unlearn"));
    StoreConfig store = StoreConfig.read(n.object("store"));
    ProbingConfig probing = ProbingConfig.read(n.object("probing"));
    n.rejectUnknown();
    return new LetheConfig(
        server, admin, Path.of(data), backends, output, detector, icul, unlearn, store, probing);
  }

  /** A copy with {@code server} replaced. */
  public LetheConfig withServer(ServerConfig server) {
    return new LetheConfig(
        server, admin, dataDir, backends, output, detector, icul, unlearn, store, probing);
  }

  /** A copy with {@code dataDir} replaced. */
  public LetheConfig withDataDir(Path dataDir) {
    return new LetheConfig(
        server, admin, dataDir, backends, output, detector, icul, unlearn, store, probing);
  }

  /** A copy with {@code backends} replaced. */
  public LetheConfig withBackends(List<BackendConfig> backends) {
    return new LetheConfig(
        server, admin, dataDir, backends, output, detector, icul, unlearn, store, probing);
  }

  /** A copy with {@code probing} replaced. */
  public LetheConfig withProbing(ProbingConfig probing) {
    return new LetheConfig(
        server, admin, dataDir, backends, output, detector, icul, unlearn, store, probing);
  }

  /** A copy with {@code store} replaced. */
  public LetheConfig withStore(StoreConfig store) {
    return new LetheConfig(
        server, admin, dataDir, backends, output, detector, icul, unlearn, store, probing);
  }
}
