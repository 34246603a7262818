package dev.lethe.filters.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The common English words: the lower-case entries of SCOWL's size-70 American and British lists
 * (Kevin Atkinson's Spell Checker Oriented Word Lists, as Debian packages them in {@code
 * wamerican-large} and {@code wbritish-large}), accents folded to ASCII, letters only, two letters
 * or more; 118,827 words in {@code english-words.txt} beside this class, with SCOWL's copyright
 * notice in {@code english-words-COPYRIGHT.txt}.
 *
 * <p>Why this list: SCOWL keeps case, so proper nouns ({@code Marie}, {@code Seoul}, {@code
 * Ulysses}) are capitalised entries and drop out of a lower-case word list, while common nouns that
 * happen to be surnames ({@code park}, {@code lee}) stay words. A token written in lower case that
 * is no word here is most likely a name typed without capitals, which is what the detector needs to
 * tell names from words when case carries no information, and what {@link EnglishScore} counts as
 * English after a cipher is undone. The sentence model's vocabulary, already in the jar, could not
 * serve: it is lower-cased, and of its 22,501 whole words at least 3,500 are ones SCOWL lists only
 * capitalised ({@code marie}, {@code kim}, {@code seoul}, {@code chen}). Size 70 rather than
 * Debian's default size 50, which lacks everyday words such as {@code iconic}, {@code dystopian},
 * {@code storytelling} and {@code standalone}.
 *
 * <p>Stored compactly: the sorted words in one ASCII byte array with their offsets (about 1.6 MB,
 * against some 13 MB for a hash set of strings), searched by bisection; loaded on first use.
 */
public final class EnglishWords {
  private static final String RESOURCE = "english-words.txt";

  private EnglishWords() {}

  /** Whether {@code word} (lower-case ASCII letters) is a common English word. */
  public static boolean contains(String word) {
    return Holder.WORDS.contains(word);
  }

  /** The number of words in the list. */
  public static int size() {
    return Holder.WORDS.offsets.length - 1;
  }

  private static final class Holder {
    static final Packed WORDS = load();
  }

  private record Packed(byte[] bytes, int[] offsets) {
    boolean contains(String word) {
      int lo = 0;
      int hi = offsets.length - 2;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = compare(mid, word);
        if (c < 0) {
          lo = mid + 1;
        } else if (c > 0) {
          hi = mid - 1;
        } else {
          return true;
        }
      }
      return false;
    }

    private int compare(int index, String word) {
      int from = offsets[index];
      int len = offsets[index + 1] - from;
      int n = Math.min(len, word.length());
      for (int i = 0; i < n; i++) {
        int d = (bytes[from + i] & 0xFF) - word.charAt(i);
        if (d != 0) {
          return d;
        }
      }
      return len - word.length();
    }
  }

  private static Packed load() {
    byte[] raw;
    try (InputStream in = EnglishWords.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      raw = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = new String(raw, StandardCharsets.US_ASCII);
    String[] words =
        text.lines().map(String::strip).filter(w -> !w.isEmpty()).toArray(String[]::new);
    Arrays.sort(words); // the file is sorted; sorting again costs little and guards the bisection
    int total = 0;
    for (String w : words) {
      total += w.length();
    }
    byte[] bytes = new byte[total];
    int[] offsets = new int[words.length + 1];
    int at = 0;
    for (int i = 0; i < words.length; i++) {
      offsets[i] = at;
      byte[] b = words[i].getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(b, 0, bytes, at, b.length);
      at += b.length;
    }
    offsets[words.length] = at;
    return new Packed(bytes, offsets);
  }
}
