package dev.lethe.filters.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bulk {@link MappedText#copy} against the char-by-char append it replaced, and the {@link
 * MappedText.Rewriter} every fold step writes its output with.
 */
class MappedTextTest {

  private static MappedText source(Random r, int n) {
    MappedText t = new MappedText(1);
    for (int i = 0; i < n; i++) {
      int from = r.nextInt(1000);
      t.append((char) ('a' + r.nextInt(26)), from, from + 1 + r.nextInt(3));
    }
    return t;
  }

  /** The old copy: every char appended with its range. */
  private static void copyCharByChar(MappedText out, MappedText in, int i, int j) {
    for (int k = i; k < j; k++) {
      out.append(in.charAt(k), in.start(k), in.end(k));
    }
  }

  private static void assertSame(MappedText a, MappedText b) {
    assertThat(a.length()).isEqualTo(b.length());
    assertThat(a.toString()).isEqualTo(b.toString());
    for (int k = 0; k < a.length(); k++) {
      assertThat(a.start(k)).as("start %d", k).isEqualTo(b.start(k));
      assertThat(a.end(k)).as("end %d", k).isEqualTo(b.end(k));
    }
  }

  @Test
  void bulkCopyEqualsCharByCharCopyOverRandomRangesAndGrowth() {
    Random r = new Random(17);
    for (int round = 0; round < 200; round++) {
      MappedText in = source(r, 1 + r.nextInt(3000));
      // small initial capacities force growth inside a copy, including by more than double
      MappedText bulk = new MappedText(r.nextInt(40));
      MappedText old = new MappedText(r.nextInt(40));
      for (int step = 0; step < 12; step++) {
        int i = r.nextInt(in.length() + 1);
        int j = i + r.nextInt(in.length() - i + 1);
        if (r.nextInt(4) == 0) {
          char c = (char) ('A' + r.nextInt(26));
          bulk.append(c, step, step + 2);
          old.append(c, step, step + 2);
        }
        bulk.copy(in, i, j);
        copyCharByChar(old, in, i, j);
      }
      assertSame(bulk, old);
    }
  }

  @Test
  void anEmptyOrReversedRangeCopiesNothing() {
    MappedText in = source(new Random(3), 10);
    MappedText out = new MappedText(4);
    out.copy(in, 5, 5);
    out.copy(in, 6, 2);
    assertThat(out.length()).isZero();
    out.copy(in, 0, 10);
    assertThat(out.toString()).isEqualTo(in.toString());
  }

  @Test
  void aRewriterWithoutChangesGivesTheInputItself() {
    MappedText in = source(new Random(3), 50);
    assertThat(new MappedText.Rewriter(in).result()).isSameAs(in);
  }

  @Test
  void aRewriterCopiesTheUnchangedStretchesAroundEachChange() {
    Random r = new Random(5);
    for (int round = 0; round < 100; round++) {
      MappedText in = source(r, 2 + r.nextInt(500));
      int n = in.length();
      // replace random disjoint stretches [a, b) by "X" mapped over them, as a fold step does
      MappedText.Rewriter w = new MappedText.Rewriter(in);
      MappedText expected = new MappedText(1);
      int at = 0;
      while (at < n) {
        int a = at + r.nextInt(n - at);
        int b = a + 1 + r.nextInt(Math.min(5, n - a));
        MappedText out = w.upTo(a);
        out.appendOver("X", in, a, b);
        w.resumeAt(b);
        copyCharByChar(expected, in, at, a);
        expected.appendOver("X", in, a, b);
        at = b + r.nextInt(20);
        if (at < n) {
          copyCharByChar(expected, in, b, at);
          w.upTo(at);
        } else {
          copyCharByChar(expected, in, b, n);
        }
      }
      assertSame(w.result(), expected);
    }
  }
}
