package dev.lethe.filters.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.Classification;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.Detection;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The input stage's whole-request judgements, remembered per rule-set snapshot and decision model,
 * so that a repeated conversation is decided from memory without scanning, expanding and segmenting
 * it again, and (when it passes or is refused) on the event loop.
 *
 * <p>A judgement depends on the request's {@code messages} (all the scanner reads), the rule-set
 * snapshot (and the detector index built for it) and the installed decision model. The key is the
 * SHA-256 of an unambiguous encoding of the {@code messages} tree ({@link #key}); an entry is
 * answered only under the very snapshot and model objects it was judged under, so a new rule or a
 * new model never sees an old verdict. The memo keeps one generation: the first judgement stored
 * under a newer snapshot (or another model) drops the older generation's entries.
 *
 * <p>Only judgements the classifier reached whole are kept ({@link #memoisable}): a fail mode
 * (detector or embedding failure) or a judgement cut by the screening budget is judged again next
 * time. The memo is bounded by the estimated heap its entries hold ({@link #entryBytes}); reads
 * never block (Caffeine's reads take no lock a writer holds).
 */
final class JudgementMemo {
  /** The default bound of the memo's entries: 16 MiB of estimated heap. */
  static final long DEFAULT_BYTES = 16L << 20;

  private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

  private final long maxBytes;
  private final AtomicReference<Generation> current = new AtomicReference<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** One snapshot's and model's judgements. */
  private record Generation(
      RuleSet rules, DecisionModel model, Cache<Key, InputStage.Judgement> map) {
    boolean serves(RuleSet r, DecisionModel m) {
      return rules == r && model == m;
    }
  }

  /** A memo holding at most {@code maxBytes} of estimated heap; 0 disables it. */
  JudgementMemo(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
    }
    this.maxBytes = maxBytes;
  }

  /** Requests answered from the memo. */
  long hits() {
    return hits.sum();
  }

  /** Requests judged in full (with rules and something to judge) because the memo had no answer. */
  long misses() {
    return misses.sum();
  }

  /** The estimated heap the current generation's entries hold, after pending evictions. */
  long estimatedBytes() {
    Generation g = current.get();
    if (g == null) {
      return 0;
    }
    g.map().cleanUp();
    return g.map().policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  /** Counts one lookup's outcome. */
  void count(boolean hit) {
    (hit ? hits : misses).increment();
  }

  /** Whether the memo keeps anything. */
  boolean enabled() {
    return maxBytes > 0;
  }

  /**
   * The judgement remembered for {@code key} under exactly {@code rules} and {@code model}, or
   * null.
   */
  InputStage.Judgement get(Key key, RuleSet rules, DecisionModel model) {
    Generation g = current.get();
    if (key == null || g == null || !g.serves(rules, model)) {
      return null;
    }
    return g.map().getIfPresent(key);
  }

  /**
   * Remembers {@code judgement} of {@code key} under {@code rules} and {@code model} when it is
   * {@linkplain #memoisable memoisable}. A snapshot older than the current generation's is not
   * remembered; a newer one (or the same snapshot under another model) starts a new generation.
   */
  void put(Key key, RuleSet rules, DecisionModel model, InputStage.Judgement judgement) {
    if (key == null || maxBytes == 0 || !memoisable(judgement)) {
      return;
    }
    while (true) {
      Generation g = current.get();
      if (g != null && g.serves(rules, model)) {
        g.map().put(key, judgement);
        return;
      }
      if (g != null && rules.version() < g.rules().version()) {
        return; // a request judged under an older snapshot, finishing late
      }
      Generation next =
          new Generation(
              rules,
              model,
              Caffeine.newBuilder()
                  .maximumWeight(maxBytes)
                  .<Key, InputStage.Judgement>weigher((k, j) -> entryBytes(j))
                  .build());
      if (current.compareAndSet(g, next)) {
        next.map().put(key, judgement);
        return;
      }
    }
  }

  /**
   * Whether {@code j} may be remembered: the classifier judged the request whole, with the sentence
   * model (no fail mode, no budget cut).
   */
  static boolean memoisable(InputStage.Judgement j) {
    Classification c = j.classification();
    return j.fallback() == null && j.outcome() == null && c != null && c.complete() && c.semantic();
  }

  /** The estimated heap an entry holds (its key, the judgement and its classification). */
  static int entryBytes(InputStage.Judgement j) {
    long bytes = 64 + 32 + 48; // the entry, the key and its digest, the judgement
    Classification c = j.classification();
    if (c != null) {
      bytes += 80;
      for (Detection d : c.detections()) {
        bytes += 48;
        for (Detection.Candidate k : d.candidates()) {
          bytes += 64 + 16 + 8L * k.features().length + 40L * k.subjectSpans().size();
        }
      }
      if (c.source() != null) {
        bytes += 96 + 2L * (c.source().origin().length() + c.source().text().length());
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  /**
   * The key of {@code request}'s judgement: the SHA-256 of its {@code messages} tree, or null when
   * it has none (nothing is scanned then, and judging costs nothing). Linear in the tree's size;
   * allocates the key and, per number, its text.
   */
  static Key key(ObjectNode request) {
    JsonNode messages = request.get("messages");
    if (messages == null) {
      return null;
    }
    Hasher h = HASHER.get();
    h.node(messages);
    return new Key(h.finish());
  }

  /** A SHA-256 digest; equal digests are taken for equal {@code messages} trees. */
  static final class Key {
    private final byte[] digest;
    private final int hash;

    Key(byte[] digest) {
      this.digest = digest;
      this.hash =
          (digest[0] & 0xff)
              | (digest[1] & 0xff) << 8
              | (digest[2] & 0xff) << 16
              | (digest[3] & 0xff) << 24;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(digest, k.digest);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * Feeds a JSON tree to SHA-256 through a reused buffer, in a prefix-free encoding (a tag per
   * node, lengths before contents, text as UTF-16 code units), so distinct trees give distinct
   * inputs. One per thread.
   */
  private static final class Hasher {
    private final MessageDigest sha;
    private final byte[] buf = new byte[8192];
    private final char[] chars = new char[4096];
    private int at;

    Hasher() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JDK", e);
      }
    }

    byte[] finish() {
      sha.update(buf, 0, at);
      at = 0;
      return sha.digest();
    }

    void node(JsonNode n) {
      switch (n.getNodeType()) {
        case OBJECT -> {
          tag('O');
          integer(n.size());
          for (Map.Entry<String, JsonNode> e : n.properties()) {
            text(e.getKey());
            node(e.getValue());
          }
        }
        case ARRAY -> {
          tag('A');
          integer(n.size());
          for (int i = 0; i < n.size(); i++) {
            node(n.get(i));
          }
        }
        case STRING -> {
          tag('S');
          text(n.textValue());
        }
        case NUMBER -> {
          tag('N');
          text(n.numberType().name());
          text(n.asText());
        }
        case BOOLEAN -> tag(n.booleanValue() ? 'T' : 'F');
        case NULL -> tag('Z');
        default -> {
          // binary, POJO or missing nodes do not come from parsing JSON; kept apart all the same
          tag('P');
          text(n.getNodeType().name());
          text(n.toString());
        }
      }
    }

    private void tag(char c) {
      room(1);
      buf[at++] = (byte) c;
    }

    private void integer(int v) {
      room(4);
      buf[at++] = (byte) (v >>> 24);
      buf[at++] = (byte) (v >>> 16);
      buf[at++] = (byte) (v >>> 8);
      buf[at++] = (byte) v;
    }

    private void text(String s) {
      int n = s.length();
      integer(n);
      int i = 0;
      while (i < n) {
        room(2);
        int chunk = Math.min(Math.min(n - i, (buf.length - at) / 2), chars.length);
        s.getChars(i, i + chunk, chars, 0);
        byte[] b = buf;
        int p = at;
        for (int k = 0; k < chunk; k++) {
          char c = chars[k];
          b[p] = (byte) (c >>> 8);
          b[p + 1] = (byte) c;
          p += 2;
        }
        at = p;
        i += chunk;
      }
    }

    private void room(int n) {
      if (at + n > buf.length) {
        sha.update(buf, 0, at);
        at = 0;
      }
    }
  }
}
