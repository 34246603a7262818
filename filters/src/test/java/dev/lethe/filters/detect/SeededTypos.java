package dev.lethe.filters.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * A seeded typo generator for names, independent of the attack probes' own misspeller: QWERTY
 * neighbour and random substitutions, deletions, insertions (a neighbouring key or a doubled
 * letter) and swaps of two adjacent letters, on any letter of a word (the first included). Edits of
 * one word sit on distinct letters at least two apart, so a word with {@code k} edits is within
 * {@code k} optimal-string-alignment edits of the original.
 */
public final class SeededTypos {
  private static final String[] ROWS = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

  private SeededTypos() {}

  /**
   * A misspelled name.
   *
   * @param text the name with its typos
   * @param edits the edits made in each whitespace-separated word
   * @param letters the letters of each word
   */
  public record Typo(String text, int[] edits, int[] letters) {
    /** Edits over letters, the whole name. */
    public double rate() {
      int e = 0;
      int l = 0;
      for (int i = 0; i < edits.length; i++) {
        e += edits[i];
        l += letters[i];
      }
      return l == 0 ? 0 : (double) e / l;
    }
  }

  /**
   * Misspells each word with a binomial number of edits (each letter edited with probability {@code
   * rate}, at most one edit per two letters), at least one edit in the name.
   */
  public static Typo misspell(String name, double rate, Random rng) {
    String[] words = name.strip().split("\\s+");
    int[] want = new int[words.length];
    int[] letters = new int[words.length];
    int total = 0;
    for (int w = 0; w < words.length; w++) {
      letters[w] = letterIndexes(words[w]).size();
      for (int c = 0; c < letters[w]; c++) {
        if (rng.nextDouble() < rate) {
          want[w]++;
        }
      }
      want[w] = Math.min(want[w], letters[w] / 2);
      total += want[w];
    }
    if (total == 0) {
      int w = rng.nextInt(words.length);
      want[w] = letters[w] >= 2 ? 1 : 0;
    }
    return withEdits(words, want, letters, rng);
  }

  /** Misspells word {@code w} of {@code name} with exactly {@code edits[w]} edits (if it can). */
  public static Typo misspell(String name, int[] edits, Random rng) {
    String[] words = name.strip().split("\\s+");
    int[] letters = new int[words.length];
    for (int w = 0; w < words.length; w++) {
      letters[w] = letterIndexes(words[w]).size();
    }
    return withEdits(words, edits.clone(), letters, rng);
  }

  private static Typo withEdits(String[] words, int[] want, int[] letters, Random rng) {
    StringBuilder out = new StringBuilder();
    int[] made = new int[words.length];
    for (int w = 0; w < words.length; w++) {
      if (w > 0) {
        out.append(' ');
      }
      List<Integer> at = letterIndexes(words[w]);
      // distinct letters at least two apart, chosen at random
      TreeSet<Integer> chosen = new TreeSet<>();
      for (int attempt = 0; attempt < 200 && chosen.size() < want[w]; attempt++) {
        int p = at.get(rng.nextInt(at.size()));
        Integer lo = chosen.floor(p + 1);
        Integer hi = chosen.ceiling(p - 1);
        if ((lo == null || lo < p - 1) && (hi == null || hi > p + 1)) {
          chosen.add(p);
        }
      }
      String word = words[w];
      for (int p : chosen.descendingSet()) {
        word = edit(word, p, rng);
      }
      made[w] = chosen.size();
      out.append(word);
    }
    return new Typo(out.toString(), made, letters);
  }

  private static List<Integer> letterIndexes(String word) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < word.length(); i++) {
      if (Character.isLetter(word.charAt(i))) {
        out.add(i);
      }
    }
    return out;
  }

  /** One edit at letter {@code i}, never turning the word back into itself. */
  private static String edit(String word, int i, Random rng) {
    char c = word.charAt(i);
    boolean upper = Character.isUpperCase(c);
    char lc = Character.toLowerCase(c);
    int kind = rng.nextInt(5);
    boolean swappable = i + 1 < word.length() && Character.isLetter(word.charAt(i + 1));
    if (kind == 4 && (!swappable || Character.toLowerCase(word.charAt(i + 1)) == lc)) {
      kind = 0;
    }
    String s =
        switch (kind) {
          case 0, 1 -> {
            char r = kind == 0 ? neighbour(lc, rng) : LETTERS.charAt(rng.nextInt(26));
            if (r == lc) {
              r = lc == 'z' ? 'a' : (char) (lc + 1);
            }
            yield word.substring(0, i) + cased(r, upper) + word.substring(i + 1);
          }
          case 2 -> word.substring(0, i) + word.substring(i + 1);
          case 3 -> {
            char r = rng.nextBoolean() ? lc : neighbour(lc, rng);
            yield word.substring(0, i + 1) + r + word.substring(i + 1);
          }
          default -> {
            char n = word.charAt(i + 1);
            yield word.substring(0, i)
                + cased(Character.toLowerCase(n), upper)
                + Character.toLowerCase(c)
                + word.substring(i + 2);
          }
        };
    return s;
  }

  private static char cased(char c, boolean upper) {
    return upper ? Character.toUpperCase(c) : c;
  }

  private static char neighbour(char c, Random rng) {
    for (int r = 0; r < ROWS.length; r++) {
      int k = ROWS[r].indexOf(c);
      if (k >= 0) {
        List<Character> ns = new ArrayList<>();
        if (k > 0) {
          ns.add(ROWS[r].charAt(k - 1));
        }
        if (k + 1 < ROWS[r].length()) {
          ns.add(ROWS[r].charAt(k + 1));
        }
        for (int rr = r - 1; rr <= r + 1; rr += 2) {
          if (rr >= 0 && rr < ROWS.length && k < ROWS[rr].length()) {
            ns.add(ROWS[rr].charAt(k));
          }
        }
        return ns.get(rng.nextInt(ns.size()));
      }
    }
    return LETTERS.charAt(rng.nextInt(26));
  }
}
