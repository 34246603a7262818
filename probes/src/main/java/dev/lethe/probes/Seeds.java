package dev.lethe.probes;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Derives independent, reproducible random streams from one seed. */
final class Seeds {
  private Seeds() {}

  /** 64-bit FNV-1a of the UTF-8 bytes of {@code s}. */
  static long fnv1a(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64 finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /**
   * The random stream for one (attack, item) pair: it depends only on the seed, the attack's name
   * and the item's question, so adding attacks or items never changes other probes.
   */
  static Random forProbe(long seed, String attack, QaItem item) {
    long s = mix(seed ^ mix(fnv1a(attack) ^ mix(fnv1a(item.question()))));
    return new Random(s);
  }
}
