package dev.lethe.filters.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Distils {@link StaticEmbedding}'s table from the shipped MiniLM model, as Model2Vec does (Tulkens
 * and van Dongen, 2024): every wordpiece of MiniLM's vocabulary is embedded alone ({@code [CLS] t
 * [SEP]}, mean-pooled, unit length), the vectors are centred and projected on their first {@code
 * dims} principal components (PCA by cyclic Jacobi on the 384x384 covariance), and each row is
 * weighted by SIF, {@code a / (a + p(t))}, with {@code p} estimated by Zipf's law from the token's
 * rank in the vocabulary (WordPiece vocabularies are roughly frequency-ordered). Rows are stored as
 * int8 with one float scale each. Deterministic: the same model gives the same bytes.
 *
 * <p>Run: {@code ./bench distil-static [OUT=filters/src/main/resources/dev/lethe/filters/detect/
 * minilm-static.bin] [dims=128] [sif=1e-4]}.
 */
public final class StaticTableDistiller {
  private StaticTableDistiller() {}

  /** Writes the table; prints its shape, the variance kept, and its SHA-256. */
  public static void main(String[] args) throws Exception {
    Path out =
        Path.of(
            args.length > 0
                ? args[0]
                : "filters/src/main/resources/dev/lethe/filters/detect/"
                    + StaticEmbedding.TABLE_RESOURCE);
    int dims = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    double sif = args.length > 2 ? Double.parseDouble(args[2]) : 1e-4;
    long t0 = System.nanoTime();
    Map<String, Integer> vocab = vocabulary();
    int n = vocab.size();
    int cls = vocab.get("[CLS]");
    int sep = vocab.get("[SEP]");
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    float[][] x = new float[n][];
    try (MiniLmEmbedder m = MiniLmEmbedder.load(new MiniLmEmbedder.Config(8, cores, 1))) {
      IntStream.range(0, n).parallel().forEach(id -> x[id] = m.embedIds(new long[] {cls, id, sep}));
    }
    System.out.printf("embedded %d wordpieces in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    int d = x[0].length;
    double[] mean = new double[d];
    for (float[] v : x) {
      for (int i = 0; i < d; i++) {
        mean[i] += v[i];
      }
    }
    for (int i = 0; i < d; i++) {
      mean[i] /= n;
    }
    double[][] cov = new double[d][d];
    double[] c = new double[d];
    for (float[] v : x) {
      for (int i = 0; i < d; i++) {
        c[i] = v[i] - mean[i];
      }
      for (int i = 0; i < d; i++) {
        double ci = c[i];
        double[] row = cov[i];
        for (int j = i; j < d; j++) {
          row[j] += ci * c[j];
        }
      }
    }
    double total = 0;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        cov[i][j] /= n;
        cov[j][i] = cov[i][j];
      }
      total += cov[i][i];
    }
    double[] eigenvalues = new double[d];
    double[][] vectors = jacobi(cov, eigenvalues);
    Integer[] order = new Integer[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(eigenvalues[b], eigenvalues[a]));
    double kept = 0;
    for (int k = 0; k < dims; k++) {
      kept += eigenvalues[order[k]];
    }
    // Zipf: p(rank r) = 1 / (r * H_n); SIF weight a / (a + p).
    double harmonic = 0;
    for (int r = 1; r <= n; r++) {
      harmonic += 1.0 / r;
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (OutputStream file = Files.newOutputStream(out);
        DataOutputStream w =
            new DataOutputStream(
                new BufferedOutputStream(
                    new java.security.DigestOutputStream(file, sha), 1 << 16))) {
      w.writeInt(StaticEmbedding.MAGIC);
      w.writeInt(StaticEmbedding.VERSION);
      w.writeInt(n);
      w.writeInt(dims);
      double[] y = new double[dims];
      byte[] q = new byte[dims];
      for (int id = 0; id < n; id++) {
        float[] v = x[id];
        double p = 1.0 / ((id + 1) * harmonic);
        double weight = sif / (sif + p);
        double max = 0;
        for (int k = 0; k < dims; k++) {
          int e = order[k];
          double s = 0;
          for (int i = 0; i < d; i++) {
            s += (v[i] - mean[i]) * vectors[i][e];
          }
          y[k] = s * weight;
          max = Math.max(max, Math.abs(y[k]));
        }
        float scale = max == 0 ? 0f : (float) (max / 127);
        for (int k = 0; k < dims; k++) {
          q[k] = scale == 0 ? 0 : (byte) Math.round(y[k] / scale);
        }
        w.writeFloat(scale);
        w.write(q);
      }
    }
    System.out.printf(
        "wrote %s: %d x %d int8 (+ a float scale per row), %d bytes; PCA keeps %.1f%% of the"
            + " variance; SIF a=%.0e; sha256 %s; %.1f s in all%n",
        out,
        n,
        dims,
        Files.size(out),
        100 * kept / total,
        sif,
        HexFormat.of().formatHex(sha.digest()),
        (System.nanoTime() - t0) / 1e9);
  }

  /** MiniLM's WordPiece vocabulary (token to id), read from the shipped tokenizer file. */
  static Map<String, Integer> vocabulary() throws IOException {
    try (InputStream in =
        MiniLmEmbedder.class.getResourceAsStream(MiniLmEmbedder.TOKENIZER_RESOURCE)) {
      if (in == null) {
        throw new IOException("classpath resource " + MiniLmEmbedder.TOKENIZER_RESOURCE);
      }
      JsonNode v = new ObjectMapper().readTree(in).path("model").path("vocab");
      Map<String, Integer> out = new java.util.HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.put(e.getKey(), e.getValue().asInt());
      }
      for (int id : out.values()) {
        if (id < 0 || id >= out.size()) {
          throw new IOException("vocabulary ids are not 0.." + (out.size() - 1) + ": " + id);
        }
      }
      return out;
    }
  }

  /**
   * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (Golub and Van Loan,
   * "Matrix Computations", §8.5). Overwrites {@code a}; the eigenvalues go to {@code values}.
   *
   * @return the eigenvectors as columns
   */
  static double[][] jacobi(double[][] a, double[] values) {
    int n = a.length;
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    double scale = 0;
    for (double[] row : a) {
      for (double x : row) {
        scale += x * x;
      }
    }
    for (int sweep = 0; sweep < 64; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off <= 1e-24 * scale) {
        break;
      }
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p][q];
          if (Math.abs(apq) < 1e-300) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double cos = 1 / Math.sqrt(t * t + 1);
          double sin = t * cos;
          for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = cos * akp - sin * akq;
            a[k][q] = sin * akp + cos * akq;
          }
          double[] rp = a[p];
          double[] rq = a[q];
          for (int k = 0; k < n; k++) {
            double apk = rp[k];
            double aqk = rq[k];
            rp[k] = cos * apk - sin * aqk;
            rq[k] = sin * apk + cos * aqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = cos * vkp - sin * vkq;
            v[k][q] = sin * vkp + cos * vkq;
          }
        }
      }
    }
    for (int i = 0; i < n; i++) {
      values[i] = a[i][i];
    }
    return v;
  }
}
