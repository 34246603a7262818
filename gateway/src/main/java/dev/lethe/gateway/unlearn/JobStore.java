package dev.lethe.gateway.unlearn;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where jobs are persisted: one small JSON file per job in {@code <dataDir>/unlearn/}, replaced by
 * a temporary file and a rename on every change, and the jobs' checkpoints under {@code
 * checkpoints/<job>} beside them.
 */
final class JobStore {
  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  /**
   * The store under {@code <dataDir>/unlearn}, created if missing.
   *
   * @throws IOException when the directory cannot be created
   */
  JobStore(Path dataDir) throws IOException {
    this.dir = requireNonNull(dataDir, "dataDir").resolve("unlearn").toAbsolutePath().normalize();
    Files.createDirectories(dir);
  }

  /** Where job {@code id} writes its checkpoint. */
  Path checkpoint(String id) {
    return dir.resolve("checkpoints").resolve(id);
  }

  /** Every job document found, in directory order; unreadable files are logged and skipped. */
  List<ObjectNode> load() throws IOException {
    List<ObjectNode> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        if (f.getFileName().toString().startsWith(".")) {
          continue;
        }
        JsonNode n;
        try {
          n = JSON.readTree(f.toFile());
        } catch (IOException e) {
          LOG.warn("unlearn job file {} unreadable, skipped: {}", f, e.getMessage());
          continue;
        }
        if (n == null || !n.isObject() || !n.path("id").isTextual()) {
          LOG.warn("unlearn job file {} is not a job, skipped", f);
          continue;
        }
        found.add((ObjectNode) n);
      }
    }
    return found;
  }

  /** Writes the job's current document atomically. */
  void save(JobRecord job) throws IOException {
    UnlearnJob.writeAtomically(dir.resolve(job.id() + ".json"), job.snapshot());
  }

  /** As {@link #save}, logging a failure instead of throwing it. */
  void saveQuietly(JobRecord job) {
    try {
      save(job);
    } catch (IOException e) {
      LOG.warn("cannot persist unlearning job {}: {}", job.id(), e.getMessage());
    }
  }
}
