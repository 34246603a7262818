package dev.lethe.filters.text;

import java.util.Arrays;

/**
 * A growing text whose every char carries the original char range it came from. Each {@link
 * Canonicalizer} step reads one and writes the next.
 */
final class MappedText {
  private char[] chars;
  private int[] start;
  private int[] end;
  private int length;

  MappedText(int capacity) {
    int c = Math.max(16, capacity);
    chars = new char[c];
    start = new int[c];
    end = new int[c];
  }

  int length() {
    return length;
  }

  char charAt(int i) {
    return chars[i];
  }

  int codePointAt(int i) {
    return Character.codePointAt(chars, i, length);
  }

  int start(int i) {
    return start[i];
  }

  int end(int i) {
    return end[i];
  }

  /** Drops the chars from {@code newLength} on. */
  void truncate(int newLength) {
    length = Math.min(length, newLength);
  }

  void append(char c, int from, int to) {
    if (length == chars.length) {
      grow(length + 1);
    }
    chars[length] = c;
    start[length] = from;
    end[length] = to;
    length++;
  }

  /** Appends every char of {@code s}, each mapped to {@code [from, to)}. */
  void append(CharSequence s, int from, int to) {
    for (int i = 0; i < s.length(); i++) {
      append(s.charAt(i), from, to);
    }
  }

  /**
   * Copies chars {@code [i, j)} of {@code other} with their ranges, in one bulk copy per array (the
   * steps copy most of a long text unchanged).
   */
  void copy(MappedText other, int i, int j) {
    int count = j - i;
    if (count <= 0) {
      return;
    }
    if (length + count > chars.length) {
      grow(length + count);
    }
    System.arraycopy(other.chars, i, chars, length, count);
    System.arraycopy(other.start, i, start, length, count);
    System.arraycopy(other.end, i, end, length, count);
    length += count;
  }

  /** Makes room for at least {@code needed} chars, doubling the capacity at least. */
  private void grow(int needed) {
    int n = Math.max(needed, chars.length * 2);
    chars = Arrays.copyOf(chars, n);
    start = Arrays.copyOf(start, n);
    end = Arrays.copyOf(end, n);
  }

  /**
   * Appends {@code s} with every char mapped to the union of {@code other}'s chars {@code [i, j)}.
   */
  void appendOver(CharSequence s, MappedText other, int i, int j) {
    append(s, other.start[i], other.end[j - 1]);
  }

  String toString(int from, int to) {
    return new String(chars, from, to - from);
  }

  @Override
  public String toString() {
    return new String(chars, 0, length);
  }

  boolean contentEquals(String s) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (chars[i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  Canonical toCanonical(java.util.EnumSet<Fold> applied) {
    return new Canonical(
        new String(chars, 0, length),
        Arrays.copyOf(start, length),
        Arrays.copyOf(end, length),
        applied);
  }

  /**
   * The output of a {@link Canonicalizer} step that changes some stretches of its input and copies
   * the rest: the output is made at the first change, the unchanged chars before each change are
   * copied in bulk with their ranges, and the input itself is the result when nothing changed. The
   * one way every step writes its output.
   */
  static final class Rewriter {
    private final MappedText in;
    private MappedText out;
    private int copied;

    Rewriter(MappedText in) {
      this.in = in;
    }

    /**
     * The output, with the input copied up to {@code at} (from where the last change ended); the
     * caller appends its change to it and then says where the input resumes ({@link #resumeAt}).
     */
    MappedText upTo(int at) {
      if (out == null) {
        out = new MappedText(in.length());
      }
      out.copy(in, copied, at);
      copied = Math.max(copied, at);
      return out;
    }

    /** The input from {@code at} on is copied next: the change replaced what came before it. */
    void resumeAt(int at) {
      copied = at;
    }

    /** The input chars consumed so far (copied or replaced). */
    int copied() {
      return copied;
    }

    /** The output's length so far (0 before the first change). */
    int outLength() {
      return out == null ? 0 : out.length();
    }

    /** The step's result: the input itself when nothing changed, else the output completed. */
    MappedText result() {
      if (out == null) {
        return in;
      }
      out.copy(in, copied, in.length());
      return out;
    }
  }
}
