package dev.lethe.filters.detect;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lethe.filters.detect.TextAnalysis.Token;
import dev.lethe.filters.text.EnglishWords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subjects of one rule-set snapshot, compiled once when the snapshot's {@link DetectorIndex} is
 * built, so that a request only looks up (no automaton, no analysis of the rules per request).
 *
 * <p>Keys are every subject's tokens, words and joined name. A text token <em>anchors</em> a
 * subject when it equals a key, when it and the next token joined equal a key, or (tokens of four
 * characters or more) when it is within the key's edit allowance ({@link
 * SubjectName#allowanceFor}); a pair of tokens of which one is shorter than that is also looked up
 * joined, within the allowance, since typos split names into short pieces. Fuzzy candidates come
 * from an inverted index of padded character bigrams with the q-gram count filter (Ukkonen 1992;
 * Gravano et al. 2001): a string within {@code k} edits of a key shares at least {@code grams(key)
 * - 3k} of its distinct bigrams (one edit destroys at most two bigrams, a transposition three), so
 * only keys passing the count are verified with the bounded distance. {@link SubjectName#matches}
 * then verifies whole names around the anchors. A token of a name of two words or more whose inner
 * letters are shuffled ({@link dev.lethe.filters.text.Typoglycemia#key}) anchors that name too, and
 * so does one that is a name token without its vowels ({@link SubjectName#skeleton}). Immutable and
 * thread-safe.
 */
final class SubjectIndex {
  private static final int[] NONE = new int[0];

  private static final boolean[] MIRRORED = {false, true};

  /** Text tokens shorter than this are only matched exactly. */
  static final int MIN_FUZZY = 4;

  /**
   * Changed rules (added, replaced or removed) a snapshot may carry in a small second layer before
   * the index is compiled anew: at least this many, or an eighth of the base.
   */
  static final int MAX_DELTA = 64;

  /**
   * Distinct tokens whose matching keys a layer remembers across lookups. Words recur across the
   * segments of one text and across requests (Zipf), while a fuzzy match of one new token verifies
   * it against every key that passes the bigram count; remembering the answer makes the lexical
   * pass of a long prompt cost its new words only. Bounded, so hostile text of random tokens only
   * evicts.
   */
  static final int TOKEN_CACHE = 65_536;

  /** Tokens longer than this are matched each time (they are rare and would crowd the cache). */
  static final int MAX_CACHED_TOKEN = 48;

  /**
   * A subject anchored in a text.
   *
   * @param ruleId the subject's rule
   * @param name the subject
   * @param anchors sorted token indexes that resemble part of the name
   */
  record Hit(String ruleId, SubjectName name, int[] anchors) {}

  /**
   * One subject of one rule; {@code rule} is the rule's data the entry was compiled from (null for
   * {@link #ofNames}). Compared by identity: it keys the anchors of a lookup.
   */
  private static final class Entry {
    private final String ruleId;
    private final SubjectName name;
    private final RuleData rule;

    Entry(String ruleId, SubjectName name, RuleData rule) {
      this.ruleId = ruleId;
      this.name = name;
      this.rule = rule;
    }

    String ruleId() {
      return ruleId;
    }

    SubjectName name() {
      return name;
    }

    RuleData rule() {
      return rule;
    }
  }

  private final Layer base;
  private final Layer delta;
  private final Map<String, RuleData> live;
  private final Map<String, RuleData> baseRules;
  private final int stale;

  private SubjectIndex(
      Layer base,
      Layer delta,
      Map<String, RuleData> live,
      Map<String, RuleData> baseRules,
      int stale) {
    this.base = base;
    this.delta = delta;
    this.live = live;
    this.baseRules = baseRules;
    this.stale = stale;
  }

  /** Compiles the subjects of {@code rules}. */
  static SubjectIndex of(Map<String, RuleData> rules) {
    Map<String, RuleData> compiled = new HashMap<>();
    for (Map.Entry<String, RuleData> r : rules.entrySet()) {
      if (r.getValue() != null) {
        compiled.put(r.getKey(), r.getValue());
      }
    }
    return new SubjectIndex(
        new Layer(entries(compiled.values())), new Layer(List.of()), null, compiled, 0);
  }

  /**
   * The index of the next snapshot, {@code rules}: this one's compiled base reused, with the rules
   * added or changed since it compiled in a small second layer and those removed or changed skipped
   * at lookup — so writing one rule to a large rule set costs that rule, not a recompile. Once the
   * changes exceed {@link #MAX_DELTA} (or an eighth of the base) everything is compiled anew.
   */
  SubjectIndex next(Map<String, RuleData> rules) {
    List<RuleData> added = new ArrayList<>();
    for (Map.Entry<String, RuleData> r : rules.entrySet()) {
      if (r.getValue() != null && baseRules.get(r.getKey()) != r.getValue()) {
        added.add(r.getValue());
      }
    }
    int removed = 0;
    for (Map.Entry<String, RuleData> b : baseRules.entrySet()) {
      if (rules.get(b.getKey()) != b.getValue()) {
        removed++;
      }
    }
    if (added.size() + removed > Math.max(MAX_DELTA, baseRules.size() / 8)) {
      return of(rules);
    }
    Map<String, RuleData> current = new HashMap<>(rules);
    return new SubjectIndex(
        base, new Layer(entries(added)), current, baseRules, added.size() + removed);
  }

  /** Compiles the given subjects (rule id → its prepared subjects). */
  static SubjectIndex ofNames(Map<String, List<SubjectName>> names) {
    List<Entry> entries = new ArrayList<>();
    names.forEach((rule, ns) -> ns.forEach(n -> entries.add(new Entry(rule, n, null))));
    return new SubjectIndex(
        new Layer(List.copyOf(entries)), new Layer(List.of()), null, Map.of(), 0);
  }

  private static List<Entry> entries(java.util.Collection<RuleData> rules) {
    List<Entry> out = new ArrayList<>();
    for (RuleData r : rules) {
      for (SubjectName n : r.names()) {
        out.add(new Entry(r.rule().id(), n, r));
      }
    }
    return List.copyOf(out);
  }

  /** The number of compiled keys (tokens, words and joined names) in both layers. */
  int keyCount() {
    return base.keys.length + delta.keys.length;
  }

  /**
   * Base rules skipped plus rules compiled in the second layer (a replaced rule counts twice); 0
   * right after a full compile.
   */
  int pendingChanges() {
    return stale;
  }

  /** Every subject anchored in {@code tokens}, in order of first appearance. */
  List<Hit> lookup(List<Token> tokens) {
    return lookup(tokens, Integer.MAX_VALUE);
  }

  /**
   * As {@link #lookup(List)}, or null when more than {@code maxFuzzy} distinct tokens of {@code
   * tokens} needed a fuzzy match computed (neither remembered nor ruled out by the cheap bounds): a
   * huge text of new words would otherwise cost its length in fuzzy matches, so the caller can fall
   * back to a path bounded otherwise.
   */
  List<Hit> lookup(List<Token> tokens, int maxFuzzy) {
    if (tokens.isEmpty()) {
      return List.of();
    }
    Map<Entry, List<Integer>> anchors = new LinkedHashMap<>();
    int[] left = {maxFuzzy};
    if (!base.lookup(tokens, anchors, left) || !delta.lookup(tokens, anchors, left)) {
      return null;
    }
    List<Hit> out = new ArrayList<>(anchors.size());
    for (Map.Entry<Entry, List<Integer>> a : anchors.entrySet()) {
      Entry e = a.getKey();
      if (live != null && e.rule() != null && live.get(e.ruleId()) != e.rule()) {
        continue; // removed or replaced since the base was compiled
      }
      int[] at = a.getValue().stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
      out.add(new Hit(e.ruleId(), e.name(), at));
    }
    return out;
  }

  /** The rules whose subjects are anchored in {@code tokens}. */
  Set<String> rules(List<Token> tokens) {
    Set<String> out = new LinkedHashSet<>();
    for (Hit h : lookup(tokens)) {
      out.add(h.ruleId());
    }
    return out;
  }

  /** Compiled entries: exact keys, bigram postings, allowances. */
  private static final class Layer {
    private final List<Entry> entries;
    private final String[] keys;
    private final int[] keyEntry;
    private final int[] keyAllowance;
    private final int[] keyNeed;
    private final long[] keyMask;
    private final int longestKey;
    private final int maxAllowance;

    /** Characters of the keys matched fuzzily (allowance above 0). */
    private final java.util.BitSet keyChars = new java.util.BitSet();

    /**
     * Per token length L: the most characters that occur in no fuzzily matched key (see {@link
     * #keyChars}) a token of length L may hold and still be within some key's allowance ({@link
     * #foreign}); -1 when no key is within reach of that length.
     */
    private final int[] slack;

    private final Map<String, int[]> exact;
    private final Map<Integer, int[]> grams;

    /**
     * The tokens of names of two words or more, by {@link dev.lethe.filters.text.Typoglycemia#key}:
     * a text token with a name token's letters, its first and last in place, anchors that name.
     */
    private final Map<String, int[]> scrambled;

    /**
     * The tokens of names of {@link SubjectName#MIN_CIPHERED} letters or more, by {@link
     * SubjectName#shiftKey}: a capitalised text token that is such a token under a Caesar shift or
     * Atbash anchors the name ({@code Uvan} for {@code Hina}).
     */
    private final Map<String, int[]> shifted;

    /**
     * The tokens of names of two words or more, by {@link SubjectName#skeleton}: a text token that
     * is such a token without its vowels anchors the name ({@code Crmn} for {@code Carmen}).
     */
    private final Map<String, int[]> skeletons;

    /** Keys the bigram count cannot filter (allowance too high for their length), by length. */
    private final int[] unfiltered;

    /** The length of each {@link #unfiltered} key, ascending. */
    private final int[] unfilteredLength;

    private final Cache<String, int[]> matches =
        Caffeine.newBuilder().maximumSize(TOKEN_CACHE).build();

    Layer(List<Entry> entries) {
      this.entries = entries;
      List<String> ks = new ArrayList<>();
      List<Integer> ke = new ArrayList<>();
      for (int e = 0; e < entries.size(); e++) {
        SubjectName name = entries.get(e).name();
        Set<String> own = new LinkedHashSet<>(name.tokens());
        own.addAll(name.words());
        own.add(name.joined());
        for (String k : own) {
          if (!k.isEmpty()) {
            ks.add(k);
            ke.add(e);
          }
        }
      }
      int nk = ks.size();
      keys = ks.toArray(String[]::new);
      keyEntry = new int[nk];
      keyAllowance = new int[nk];
      keyNeed = new int[nk];
      keyMask = new long[nk];
      Map<String, List<Integer>> ex = new HashMap<>();
      Map<Integer, List<Integer>> gr = new HashMap<>();
      Map<String, List<Integer>> sc = new HashMap<>();
      Map<String, List<Integer>> sh = new HashMap<>();
      Map<String, List<Integer>> sk = new HashMap<>();
      List<Integer> always = new ArrayList<>();
      for (int k = 0; k < nk; k++) {
        keyEntry[k] = ke.get(k);
        keyMask[k] = charMask(keys[k]);
        ex.computeIfAbsent(keys[k], x -> new ArrayList<>(1)).add(k);
        SubjectName named = entries.get(keyEntry[k]).name();
        String shiftKey = SubjectName.shiftKey(keys[k], false);
        if (shiftKey != null
            && named.joined().length() >= SubjectName.MIN_CIPHERED
            && named.tokens().contains(keys[k])) {
          sh.computeIfAbsent(shiftKey, x -> new ArrayList<>(1)).add(k);
        }
        String skeleton = SubjectName.skeleton(keys[k]);
        if (skeleton != null && named.multiWord() && named.tokens().contains(keys[k])) {
          sk.computeIfAbsent(skeleton, x -> new ArrayList<>(1)).add(k);
        }
        int allow = entries.get(keyEntry[k]).name().allowanceFor(keys[k]);
        if (keys[k].length() < MIN_FUZZY - allow) {
          allow = 0; // too short to be matched by a token long enough for fuzzy matching
        }
        keyAllowance[k] = allow;
        if (allow == 0) {
          continue;
        }
        SubjectName owner = entries.get(keyEntry[k]).name();
        String scrambleKey = dev.lethe.filters.text.Typoglycemia.key(keys[k]);
        if (scrambleKey != null && owner.multiWord() && owner.tokens().contains(keys[k])) {
          sc.computeIfAbsent(scrambleKey, x -> new ArrayList<>(1)).add(k);
        }
        int[] g = distinctGrams(keys[k]);
        keyNeed[k] = g.length - 3 * allow;
        if (keyNeed[k] <= 0) {
          always.add(k);
        } else {
          for (int code : g) {
            gr.computeIfAbsent(code, x -> new ArrayList<>()).add(k);
          }
        }
      }
      exact = new HashMap<>(ex.size() * 2);
      ex.forEach((k, v) -> exact.put(k, toArray(v)));
      grams = new HashMap<>(gr.size() * 2);
      gr.forEach((k, v) -> grams.put(k, toArray(v)));
      scrambled = new HashMap<>(sc.size() * 2);
      sc.forEach((k, v) -> scrambled.put(k, toArray(v)));
      shifted = new HashMap<>(sh.size() * 2);
      sh.forEach((k, v) -> shifted.put(k, toArray(v)));
      skeletons = new HashMap<>(sk.size() * 2);
      sk.forEach((k, v) -> skeletons.put(k, toArray(v)));
      always.sort(java.util.Comparator.comparingInt(k -> keys[k].length()));
      unfiltered = toArray(always);
      unfilteredLength = new int[unfiltered.length];
      for (int u = 0; u < unfiltered.length; u++) {
        unfilteredLength[u] = keys[unfiltered[u]].length();
      }
      int longest = 0;
      int most = 0;
      for (int k = 0; k < nk; k++) {
        longest = Math.max(longest, keys[k].length());
        most = Math.max(most, keyAllowance[k]);
      }
      longestKey = longest;
      maxAllowance = most;
      slack = new int[longest + most + 2];
      Arrays.fill(slack, -1);
      for (int k = 0; k < nk; k++) {
        int allow = keyAllowance[k];
        if (allow == 0) {
          continue;
        }
        keys[k].chars().forEach(keyChars::set);
        int len = keys[k].length();
        for (int l = Math.max(0, len - allow); l <= len + allow && l < slack.length; l++) {
          slack[l] = Math.max(slack[l], slackFor(len, allow, l));
        }
      }
    }

    /**
     * Whether no key of this layer can be within its allowance of {@code t} (exact matches aside),
     * from two bounds that cost one pass over {@code t}: its length (longer than every key with its
     * allowance), and its <em>foreign</em> characters, those that occur in no fuzzily matched key.
     * A token within {@code d} edits of key {@code k} shares at least {@code max(|k|, |t|) - d}
     * characters with it (see {@link #shared}); foreign characters are never shared, so {@code |t|
     * - foreign >= max(|k|, |t|) - d}, that is {@code foreign <= d - max(0, |k| - |t|)}. When that
     * fails for every key whose length is within its allowance of {@code |t|} ({@link #slack}),
     * fuzzy matching would find nothing. Hex pairs, numbers and base64 runs, the bulk of hostile
     * payloads, are ruled out here, before the layer's cache or its bigram postings.
     */
    boolean cannotMatchFuzzily(String t) {
      int n = t.length();
      if (n < MIN_FUZZY || n >= slack.length || slack[n] < 0) {
        return true;
      }
      int foreign = 0;
      for (int i = 0; i < n; i++) {
        if (!keyChars.get(t.charAt(i)) && ++foreign > slack[n]) {
          return true;
        }
      }
      return false;
    }

    /**
     * Adds every anchored entry (index → token positions) of this layer to {@code anchors}; false
     * (and stops) once more than {@code fuzzyLeft[0]} fuzzy matches had to be computed.
     */
    boolean lookup(List<Token> tokens, Map<Entry, List<Integer>> anchors, int[] fuzzyLeft) {
      if (entries.isEmpty() || tokens.isEmpty()) {
        return true;
      }
      Map<String, int[]> memo = new HashMap<>();
      // bigram counts and touched keys (made on the first miss), and the fuzzy matches left
      int[][] scratch = {null, null, fuzzyLeft};
      for (int i = 0; i < tokens.size(); i++) {
        if (fuzzyLeft[0] < 0) {
          return false;
        }
        String t = tokens.get(i).term();
        boolean word = commonWord(tokens.get(i));
        int[] matched =
            beyondEveryKey(t.length()) ? NONE : word ? exactly(t) : matches(t, memo, scratch);
        for (int k : matched) {
          anchor(anchors, entries.get(keyEntry[k]), i);
        }
        int[] bare = word ? null : skeletons.get(t);
        if (bare != null) {
          // a name word without its vowels (Crmn): verified whole by SubjectName later
          for (int k : bare) {
            anchor(anchors, entries.get(keyEntry[k]), i);
          }
        }
        if (!word && tokens.get(i).capitalized() && !shifted.isEmpty()) {
          // a name enciphered alone (Uvan Nzrra): verified whole by SubjectName later
          for (boolean mirrored : MIRRORED) {
            String key = SubjectName.shiftKey(t, mirrored);
            int[] ks = key == null ? null : shifted.get(key);
            if (ks != null) {
              for (int k : ks) {
                anchor(anchors, entries.get(keyEntry[k]), i);
              }
            }
          }
        }
        if (i + 1 < tokens.size()) {
          String next = tokens.get(i + 1).term();
          int joinedLength = t.length() + next.length();
          int[] pair;
          if (word && commonWord(tokens.get(i + 1))) {
            pair = joinedLength > longestKey ? null : exact.get(t + next);
          } else if (t.length() < MIN_FUZZY || next.length() < MIN_FUZZY) {
            // a name split by typos into short pieces ("Ju-eon" for "Ji-Yeon") anchors as a pair
            pair = beyondEveryKey(joinedLength) ? null : matches(t + next, memo, scratch);
          } else {
            pair = joinedLength > longestKey ? null : exact.get(t + next);
          }
          if (pair != null) {
            for (int k : pair) {
              anchor(anchors, entries.get(keyEntry[k]), i);
              anchor(anchors, entries.get(keyEntry[k]), i + 1);
            }
          }
        }
      }
      return fuzzyLeft[0] >= 0;
    }

    /** The keys {@code t} equals. */
    private int[] exactly(String t) {
      int[] same = t.length() >= 2 ? exact.get(t) : null;
      return same == null ? NONE : same;
    }

    /**
     * Whether a token of {@code length} chars can match no key, exactly or fuzzily: it is longer
     * than every key with its allowance ({@link #cannotMatchFuzzily} rules it out by length) and so
     * longer than every exact key too. Checked before the token is joined or hashed: the long runs
     * of a hostile payload (base64, hex) would otherwise be concatenated and hashed for nothing.
     */
    private boolean beyondEveryKey(int length) {
      return length >= slack.length;
    }

    /**
     * The keys {@code t} matches: its exact keys when the cheap bounds rule fuzzy matches out
     * ({@link #cannotMatchFuzzily}), else from this lookup's memo, the layer's cache, or computed
     * (counted down in {@code scratch[2][0]}).
     */
    private int[] matches(String t, Map<String, int[]> memo, int[][] scratch) {
      if (cannotMatchFuzzily(t)) {
        int[] same = t.length() >= 2 ? exact.get(t) : null;
        return same == null ? NONE : same;
      }
      int[] m = memo.get(t);
      if (m != null) {
        return m;
      }
      boolean cacheable = t.length() <= MAX_CACHED_TOKEN;
      m = cacheable ? matches.getIfPresent(t) : null;
      if (m == null) {
        scratch[2][0]--;
        if (scratch[0] == null) {
          scratch[0] = new int[keys.length];
          scratch[1] = new int[keys.length];
        }
        m = matchToken(t, scratch[0], scratch[1]);
        if (cacheable) {
          matches.put(t, m);
        }
      }
      memo.put(t, m);
      return m;
    }

    private static void anchor(Map<Entry, List<Integer>> anchors, Entry entry, int at) {
      anchors.computeIfAbsent(entry, x -> new ArrayList<>(2)).add(at);
    }

    /** The keys {@code t} equals or (long enough) is within the allowance of. */
    private int[] matchToken(String t, int[] counts, int[] touched) {
      int[] same = t.length() >= 2 ? exact.get(t) : null;
      if (t.length() < MIN_FUZZY) {
        return same == null ? new int[0] : same;
      }
      if (t.length() > longestKey + maxAllowance) {
        return same == null ? NONE : same; // longer than any key within its allowance
      }
      int nt = 0;
      for (int code : distinctGrams(t)) {
        int[] post = grams.get(code);
        if (post == null) {
          continue;
        }
        for (int k : post) {
          if (counts[k]++ == 0) {
            touched[nt++] = k;
          }
        }
      }
      int[] out = same == null ? new int[4] : Arrays.copyOf(same, same.length + 4);
      int no = same == null ? 0 : same.length;
      long mask = charMask(t);
      int[] tCounts = new int[128];
      int[] scratch = new int[128];
      for (int i = 0; i < t.length(); i++) {
        tCounts[t.charAt(i) & 127]++;
      }
      for (int x = 0; x < nt; x++) {
        int k = touched[x];
        if (counts[k] >= keyNeed[k] && verify(t, mask, tCounts, scratch, k)) {
          if (no == out.length) {
            out = Arrays.copyOf(out, no * 2);
          }
          out[no++] = k;
        }
        counts[k] = 0;
      }
      // only keys whose length is within the largest allowance of the token's can be in reach
      int from = firstAtLeast(unfilteredLength, t.length() - maxAllowance);
      int found = no;
      for (int u = from; u < unfiltered.length; u++) {
        if (unfilteredLength[u] > t.length() + maxAllowance) {
          break;
        }
        int k = unfiltered[u];
        if (verify(t, mask, tCounts, scratch, k)) {
          if (no == out.length) {
            out = Arrays.copyOf(out, no * 2 + 1);
          }
          out[no++] = k;
        }
      }
      Arrays.sort(out, found, no); // in key order, as before the keys were sorted by length
      String scrambleKey = dev.lethe.filters.text.Typoglycemia.key(t);
      int[] shuffled = scrambleKey == null ? null : scrambled.get(scrambleKey);
      if (shuffled != null) {
        // a name token with its inner letters shuffled; the name is verified whole later
        int before = no;
        for (int k : shuffled) {
          boolean known = false;
          for (int x = 0; x < before && !known; x++) {
            known = out[x] == k;
          }
          if (!known) {
            if (no == out.length) {
              out = Arrays.copyOf(out, no * 2 + 1);
            }
            out[no++] = k;
          }
        }
      }
      return Arrays.copyOf(out, no);
    }

    /**
     * Whether {@code t} (whose {@link #charMask} is {@code mask}) is within key {@code k}'s
     * allowance, exact matches aside. Two cheap filters come before the bounded distance: the
     * lengths, the characters of the key that {@code t} lacks ({@link #lacking}), and the
     * characters both share ({@link #shared}).
     */
    private boolean verify(String t, long mask, int[] tCounts, int[] scratch, int k) {
      String key = keys[k];
      int allow = keyAllowance[k];
      if (Math.abs(t.length() - key.length()) > allow
          || lacking(keyMask[k], mask) > allow
          || shared(key, tCounts, scratch) < Math.max(key.length(), t.length()) - allow) {
        return false;
      }
      return !t.equals(key) // exact matches are already in
          && NameSimilarity.osa(t, key, allow) <= allow;
    }
  }

  /**
   * The first index of ascending {@code a} whose value is at least {@code v} ({@code a.length} if
   * none).
   */
  static int firstAtLeast(int[] a, int v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Whether {@code t} is written in lower case and is a common English word or a stop word ({@link
   * EnglishWords}, {@link TextAnalysis#isStopWord}): such a token is matched to the keys exactly
   * ({@code park} still anchors Ji-Yeon Park), never fuzzily. A misspelt name that happens to spell
   * a lower-case word ({@code amen} for {@code Ameen}) is still found through the name's other
   * words, which anchor the subject, and {@link SubjectName#find} then measures the whole name's
   * distance; a name is typed capitalised, or lower-case and then mostly no word ({@code hina}). In
   * prose such words are most tokens, and each new one would otherwise cost a fuzzy match against
   * every key that shares enough letter pairs with it.
   */
  static boolean commonWord(Token t) {
    return t.lowerCase() && (TextAnalysis.isStopWord(t.term()) || EnglishWords.contains(t.term()));
  }

  /**
   * The characters of {@code s} as a set of 64 bits: bit {@code c mod 64} for each character c
   * (characters that share a bit are not told apart, which only weakens {@link #lacking}).
   */
  static long charMask(String s) {
    long m = 0;
    for (int i = 0; i < s.length(); i++) {
      m |= 1L << s.charAt(i); // Java shifts a long by the low six bits of the count
    }
    return m;
  }

  /**
   * A lower bound on the edits (optimal string alignment: substitutions, insertions, deletions,
   * adjacent transpositions) that turn a text token into a key: the bits of the key's {@link
   * #charMask} that the token's lacks. Each such bit stands for at least one distinct character of
   * the key that the token does not contain; every such character needs its own substitution or
   * deletion (one edit removes at most one character of the key, and an insertion or a
   * transposition removes none). So a token with more lacking bits than the key's allowance cannot
   * match it, and skipping the distance then loses nothing.
   */
  static int lacking(long keyMask, long tokenMask) {
    return Long.bitCount(keyMask & ~tokenMask);
  }

  /**
   * An upper bound on the characters {@code key} and a token share, counted with multiplicity (the
   * size of the multiset intersection), from the token's counts per character class {@code c mod
   * 128} (classes only merge characters, so the bound never falls below the true count). An
   * insertion, deletion or substitution changes each side's multiset by at most one character and a
   * transposition by none, so a token within {@code k} edits of the key shares at least {@code
   * max(|key|, |token|) - k} characters with it. {@code scratch} (128 zeros) is left as found.
   */
  static int shared(String key, int[] tokenCounts, int[] scratch) {
    int n = key.length();
    int shared = 0;
    for (int i = 0; i < n; i++) {
      int c = key.charAt(i) & 127;
      if (scratch[c]++ < tokenCounts[c]) {
        shared++;
      }
    }
    for (int i = 0; i < n; i++) {
      scratch[key.charAt(i) & 127] = 0;
    }
    return shared;
  }

  /**
   * The most characters that a token of {@code tokenLength} may hold that a key of {@code
   * keyLength} lacks altogether (foreign characters, with multiplicity) and still be within {@code
   * allowance} edits of it; -1 when the lengths alone rule it out. A token within {@code d <=
   * allowance} edits shares at least {@code max(|key|, |token|) - d} characters with the key
   * ({@link #shared}) and foreign characters are never shared, so it holds at most {@code d -
   * max(0, |key| - |token|)} of them.
   */
  static int slackFor(int keyLength, int allowance, int tokenLength) {
    if (Math.abs(keyLength - tokenLength) > allowance) {
      return -1;
    }
    return allowance - Math.max(0, keyLength - tokenLength);
  }

  /** The characters of {@code token} (with multiplicity) that are not in {@code chars}. */
  static int foreign(String token, java.util.BitSet chars) {
    int n = 0;
    for (int i = 0; i < token.length(); i++) {
      if (!chars.get(token.charAt(i))) {
        n++;
      }
    }
    return n;
  }

  /** The distinct bigrams of {@code s} padded with a start and an end mark, as int codes. */
  static int[] distinctGrams(String s) {
    int n = s.length() + 1;
    int[] out = new int[n];
    char prev = '\u0002';
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '\u0003';
      out[i] = (prev << 16) | c;
      prev = c;
    }
    Arrays.sort(out);
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (m == 0 || out[m - 1] != out[i]) {
        out[m++] = out[i];
      }
    }
    return Arrays.copyOf(out, m);
  }

  private static int[] toArray(List<Integer> l) {
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }
}
