package dev.lethe.filters.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Puts back in order the words of a question shuffled into a data structure, as CodeChameleon (Lv
 * et al., 2024, "CodeChameleon: Personalized Encryption Framework for Jailbreaking Large Language
 * Models") does before asking the model to decrypt it with the function it is given:
 *
 * <ul>
 *   <li>a list of words keyed by their positions, in any order ({@code [{"a": 4}, {"to": 1},
 *       {"How": 0}, …]}, its "length" encryption): read in the order of the positions;
 *   <li>a binary tree of words ({@code {"value": "cut", "left": {"value": "How", …}, "right": …}},
 *       its "binary_tree" encryption): read in order, left subtree, node, right subtree.
 * </ul>
 *
 * <p>Both in JSON or as Python writes a dict (single quotes, {@code None}). A structure is decoded
 * with at least {@value #MIN_WORDS} words; a position list's positions must be distinct and below
 * twice its length. Its other two reorderings (words reversed, odd then even words) keep every word
 * as written and need no decoding: the detector reads a bag of words. One linear pass; a tree that
 * fails to parse is skipped to where it failed, so nothing is parsed twice; trees deeper than
 * {@value #MAX_DEPTH} are not read.
 */
final class WordOrderDecoding {
  static final int MIN_WORDS = 3;
  static final int MAX_DEPTH = 40;
  static final int MAX_WORD = 64;

  private WordOrderDecoding() {}

  static boolean scan(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = s.indexOf('{');
    while (i >= 0 && i < n) {
      int next = i + 1;
      Parse p = new Parse(s);
      p.pos = i;
      List<String> tree = new ArrayList<>();
      if (p.node(tree, 0) && tree.size() >= MIN_WORDS) {
        if (!out.covered(i, p.pos)
            && !out.offer(i, p.pos, Encoding.WORD_ORDER, String.join(" ", tree))) {
          return false;
        }
        next = p.pos;
      } else if (p.failedAt > next && p.sawTreeKey) {
        next = p.failedAt;
      } else {
        p.pos = i;
        int end = p.positionList();
        if (end > i) {
          String words = p.orderedWords();
          if (words != null
              && !out.covered(i, end)
              && !out.offer(i, end, Encoding.WORD_ORDER, words)) {
            return false;
          }
          next = end;
        }
      }
      i = s.indexOf('{', next);
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A cursor over the text for one structure. */
  private static final class Parse {
    final String s;
    int pos;
    int failedAt;
    boolean sawTreeKey;
    final List<String> listWords = new ArrayList<>();
    final List<Integer> listPositions = new ArrayList<>();

    Parse(String s) {
      this.s = s;
    }

    /** Parses a tree node at {@link #pos} into {@code words} (in order); false if it is none. */
    boolean node(List<String> words, int depth) {
      if (depth > MAX_DEPTH || !eat('{')) {
        return fail();
      }
      String value = null;
      List<String> left = null;
      List<String> right = null;
      for (int field = 0; field < 3; field++) {
        if (field > 0 && !eat(',')) {
          return fail();
        }
        String key = string();
        if (key == null || !eat(':')) {
          return fail();
        }
        switch (key) {
          case "value" -> {
            sawTreeKey = true;
            value = string();
            if (value == null) {
              return fail();
            }
          }
          case "left", "right" -> {
            List<String> sub = new ArrayList<>();
            if (!nothing() && !node(sub, depth + 1)) {
              return false;
            }
            if (key.equals("left")) {
              left = sub;
            } else {
              right = sub;
            }
          }
          default -> {
            return fail();
          }
        }
      }
      if (value == null || left == null || right == null || !eat('}')) {
        return fail();
      }
      words.addAll(left);
      words.add(value);
      words.addAll(right);
      return true;
    }

    /**
     * Parses a run of {@code {"word": position}} items from {@link #pos}, separated by commas;
     * returns the index after the last item, or {@code -1} if fewer than {@link #MIN_WORDS}.
     */
    int positionList() {
      int end = -1;
      while (true) {
        if (!eat('{')) {
          break;
        }
        String word = string();
        if (word == null || !eat(':')) {
          break;
        }
        skipSpace();
        int digits = pos;
        int value = 0;
        while (pos < s.length() && pos - digits < 5 && isDigit(s.charAt(pos))) {
          value = value * 10 + (s.charAt(pos) - '0');
          pos++;
        }
        if (pos == digits || !eat('}')) {
          break;
        }
        listWords.add(word);
        listPositions.add(value);
        end = pos;
        if (!eat(',')) {
          break;
        }
      }
      return listWords.size() >= MIN_WORDS ? end : -1;
    }

    /** The list's words in the order of their positions, or null if the positions are no order. */
    String orderedWords() {
      int count = listWords.size();
      String[] at = new String[2 * count];
      for (int k = 0; k < count; k++) {
        int p = listPositions.get(k);
        if (p >= at.length || at[p] != null) {
          return null;
        }
        at[p] = listWords.get(k);
      }
      StringBuilder sb = new StringBuilder();
      for (String w : Arrays.asList(at)) {
        if (w != null) {
          sb.append(sb.isEmpty() ? "" : " ").append(w);
        }
      }
      return sb.toString();
    }

    /** {@code null} or {@code None}. */
    boolean nothing() {
      skipSpace();
      for (String word : new String[] {"null", "None"}) {
        if (s.startsWith(word, pos)) {
          pos += word.length();
          return true;
        }
      }
      return false;
    }

    /** A quoted string (single or double quotes, backslash escapes of one char), or null. */
    String string() {
      skipSpace();
      if (pos >= s.length()) {
        return null;
      }
      char quote = s.charAt(pos);
      if (quote != '"' && quote != '\'') {
        return null;
      }
      StringBuilder sb = new StringBuilder();
      int k = pos + 1;
      while (k < s.length() && s.charAt(k) != quote) {
        char c = s.charAt(k);
        if (c == '\n' || sb.length() >= MAX_WORD) {
          return null;
        }
        if (c == '\\' && k + 1 < s.length()) {
          k++;
          c = s.charAt(k);
        }
        sb.append(c);
        k++;
      }
      if (k >= s.length()) {
        return null;
      }
      pos = k + 1;
      return sb.toString();
    }

    boolean eat(char c) {
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    boolean fail() {
      failedAt = Math.max(failedAt, pos);
      return false;
    }
  }
}
