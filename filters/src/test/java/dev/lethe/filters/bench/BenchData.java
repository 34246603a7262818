package dev.lethe.filters.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads the TOFU files and the hand-written paraphrases for the benchmarks. */
public final class BenchData {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchData() {}

  /** The shared TOFU folder: {@code lethe.shared.dir}/data/tofu, else ../shared/data/tofu. */
  public static Path tofu() {
    String dir = System.getProperty("lethe.shared.dir");
    Path base = dir != null ? Path.of(dir) : Path.of("..", "shared");
    Path p = base.resolve("data").resolve("tofu");
    if (!Files.isDirectory(p)) {
      p = Path.of("..", "..", "shared", "data", "tofu");
    }
    return p;
  }

  /** The {@code question} field of every line of a TOFU JSON Lines file. */
  public static List<String> questions(String file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(tofu().resolve(file), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        JsonNode n = JSON.readTree(line);
        out.add(n.get("question").asText());
      }
    }
    return out;
  }

  /** A paraphrase: the author it is about, the forget10 index it rephrases, and its text. */
  public record Paraphrase(String author, int source, String text) {}

  /**
   * The paraphrases: the committed resource, or the TSV file named by the system property {@code
   * lethe.bench.paraphrases} (same columns: author, forget10 index, text), to measure on
   * paraphrases that are not in the repository.
   */
  public static List<Paraphrase> paraphrases() throws IOException {
    List<Paraphrase> out = new ArrayList<>();
    String external = System.getProperty("lethe.bench.paraphrases");
    try (InputStream in =
        external != null && !external.isBlank()
            ? Files.newInputStream(Path.of(external))
            : BenchData.class.getResourceAsStream("/bench/paraphrases.tsv")) {
      String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : all.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        out.add(new Paraphrase(f[0], Integer.parseInt(f[1]), f[2]));
      }
    }
    return out;
  }
}
