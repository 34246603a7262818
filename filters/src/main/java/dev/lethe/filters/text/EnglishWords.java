package dev.lethe.filters.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

  /**
   * The one common word of four letters or more that is {@code token} (lower-case ASCII letters)
   * with its inner letters in another order, first and last in place ({@link Typoglycemia#key}):
   * {@code bkoos} → {@code books}. Null when there is none, when there are several ({@code clued}
   * could be {@code could} or {@code cloud}), or when {@code token} is itself a word.
   */
  public static String unscramble(String token) {
    String key = Typoglycemia.key(token);
    if (key == null || contains(token)) {
      return null;
    }
    return Holder.WORDS.unscramble(key);
  }

  /** The number of words in the list. */
  public static int size() {
    return Holder.WORDS.offsets.length - 1;
  }

  private static final class Holder {
    static final Packed WORDS = load();
  }

  private record Packed(byte[] bytes, int[] offsets, byte[] keys, int[] byKey) {
    /**
     * Sorts the words of four letters or more by their {@link Typoglycemia#key} ({@code keys}: each
     * word's key at its offsets, {@code byKey}: their indexes in key order).
     */
    Packed(byte[] bytes, int[] offsets) {
      this(bytes, offsets, keysOf(bytes, offsets), null);
    }

    Packed {
      if (byKey == null) {
        List<Integer> long4 = new ArrayList<>();
        for (int i = 0; i + 1 < offsets.length; i++) {
          if (offsets[i + 1] - offsets[i] >= 4) {
            long4.add(i);
          }
        }
        byte[] k = keys;
        int[] o = offsets;
        long4.sort((a, b) -> Arrays.compare(k, o[a], o[a + 1], k, o[b], o[b + 1]));
        byKey = long4.stream().mapToInt(Integer::intValue).toArray();
      }
    }

    private static byte[] keysOf(byte[] bytes, int[] offsets) {
      byte[] keys = bytes.clone();
      for (int i = 0; i + 1 < offsets.length; i++) {
        if (offsets[i + 1] - offsets[i] >= 4) {
          Arrays.sort(keys, offsets[i] + 1, offsets[i + 1] - 1);
        }
      }
      return keys;
    }

    /** The one word whose key is {@code key}, or null (none or several). */
    String unscramble(String key) {
      byte[] k = key.getBytes(StandardCharsets.US_ASCII);
      int lo = 0;
      int hi = byKey.length;
      while (lo < hi) { // the first index whose key is not below k
        int mid = (lo + hi) >>> 1;
        int w = byKey[mid];
        if (Arrays.compare(keys, offsets[w], offsets[w + 1], k, 0, k.length) < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      if (lo >= byKey.length || !sameKey(byKey[lo], k)) {
        return null;
      }
      if (lo + 1 < byKey.length && sameKey(byKey[lo + 1], k)) {
        return null; // several words: which one was meant is not known
      }
      int w = byKey[lo];
      return new String(bytes, offsets[w], offsets[w + 1] - offsets[w], StandardCharsets.US_ASCII);
    }

    private boolean sameKey(int w, byte[] k) {
      return Arrays.equals(keys, offsets[w], offsets[w + 1], k, 0, k.length);
    }

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
