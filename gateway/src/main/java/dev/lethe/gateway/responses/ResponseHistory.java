package dev.lethe.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;

/**
 * The conversations behind the responses this gateway produced, so that {@code
 * previous_response_id} can be honoured without trusting history the gateway never saw: for each
 * response id, the input items as the client sent them (history inlined) followed by the output
 * items the client was shown. A request naming one gets those items put in front of its input, is
 * judged whole, and is sent upstream without {@code previous_response_id}; an id not here (never
 * produced by this process, expired, evicted, or produced for another {@code Authorization}) is
 * refused with 400 {@code previous_response_not_found}.
 *
 * <p>Bounded: at most {@code maxChars} characters of JSON in all (least recently used evicted
 * first) and {@code ttl} since last use. In memory, per process: replicas do not share it.
 */
final class ResponseHistory {
  /** One kept conversation. */
  record Entry(byte[] owner, List<JsonNode> items) {
    Entry {
      items = List.copyOf(items);
    }
  }

  private final Cache<String, Entry> entries;

  ResponseHistory(long maxChars, Duration ttl, Ticker ticker) {
    this.entries =
        Caffeine.newBuilder()
            .maximumWeight(maxChars)
            .<String, Entry>weigher(
                (k, e) -> {
                  long n = k.length();
                  for (JsonNode i : e.items()) {
                    n += i.toString().length();
                  }
                  return (int) Math.min(Integer.MAX_VALUE, n);
                })
            .expireAfterAccess(ttl)
            .ticker(ticker)
            .build();
  }

  /** The default store: 64 Mi characters, one hour since last use. */
  static ResponseHistory defaults() {
    return new ResponseHistory(64L << 20, Duration.ofHours(1), Ticker.systemTicker());
  }

  /** Keeps the conversation behind response {@code id}, for callers with {@code authorization}. */
  void put(String id, String authorization, List<JsonNode> items) {
    entries.put(id, new Entry(owner(authorization), items));
  }

  /** The items behind {@code id} when it is kept for {@code authorization}, else {@code null}. */
  List<JsonNode> get(String id, String authorization) {
    Entry e = entries.getIfPresent(id);
    if (e == null || !MessageDigest.isEqual(e.owner(), owner(authorization))) {
      return null;
    }
    return e.items();
  }

  private static byte[] owner(String authorization) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest((authorization == null ? "" : authorization).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
