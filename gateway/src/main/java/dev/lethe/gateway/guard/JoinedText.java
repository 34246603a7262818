package dev.lethe.gateway.guard;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.function.BiConsumer;

/**
 * The visible text of one output judged as <em>one</em> text although it arrives in several
 * segments — the content blocks of an Anthropic message, the content parts and message items of a
 * Responses answer — so a protected string split across a segment boundary is caught exactly as one
 * split across two chunks of a segment is.
 *
 * <p>Every segment's text is fed, in the order the client reads it, into one {@link TextStream}.
 * What the stream releases is handed back per segment ({@code onText}); everything else the caller
 * writes to the client (a block's start and stop, a part's done event, a clean tool call) is queued
 * with {@link #then} and runs only once all text fed before it has been released, so the client
 * sees events in the upstream's order and a segment's end is never sent while its last chars are
 * held back. The held-back text is bounded by the filter's partial match, so little waits.
 *
 * <p>At a cut ({@link #cut()}), the released text before the match goes to the segments it came
 * from, the configured replacement text to the segment where the match starts ({@link
 * #cutSegment()}), and every queued action after that point is dropped: nothing the client sees
 * follows the start of the match. One instance per output, used from one thread.
 *
 * @param <S> the segment type (a block, a part)
 */
public final class JoinedText<S> {
  private final TextStream stream;
  private final BiConsumer<S, String> onText;

  /** {@link Span}s of fed, unreleased text and queued {@link Runnable}s, in client order. */
  private final ArrayDeque<Object> queue = new ArrayDeque<>();

  private S lastFed;
  private S cutAt;
  private boolean finished;

  /** Text of one segment fed and not yet released. */
  private static final class Span<S> {
    final S segment;
    int remaining;

    Span(S segment, int remaining) {
      this.segment = segment;
      this.remaining = remaining;
    }
  }

  /**
   * The joined text of one output.
   *
   * @param stream the judge of the whole output text (one fresh {@link OutputGuard#open()})
   * @param onText receives the released text of a segment, in order
   */
  public JoinedText(TextStream stream, BiConsumer<S, String> onText) {
    this.stream = requireNonNull(stream, "stream");
    this.onText = requireNonNull(onText, "onText");
  }

  /**
   * Feeds the next piece of {@code segment}'s text. What may be released now goes to {@code onText}
   * (after any queued action before it); afterwards check {@link #cut()}.
   *
   * @throws RuntimeException when a filter fails (the caller must fail closed)
   */
  public void feed(S segment, String text) {
    requireNonNull(segment, "segment");
    requireNonNull(text, "text");
    if (finished || stream.cut() || text.isEmpty()) {
      return;
    }
    lastFed = segment;
    if (queue.peekLast() instanceof Span<?> last && last.segment == segment) {
      last.remaining += text.length();
    } else {
      queue.add(new Span<>(segment, text.length()));
    }
    String released = stream.feed(text);
    release(released, stream.originalLength());
  }

  /**
   * Runs {@code action} once every text fed so far has been released: now when nothing is held,
   * later otherwise; never when the text is cut first.
   */
  public void then(Runnable action) {
    requireNonNull(action, "action");
    if (stream.cut()) {
      return;
    }
    if (queue.isEmpty()) {
      action.run();
    } else {
      queue.add(action);
    }
  }

  /**
   * No more text will come: releases what is held (no later text can complete a match) and runs
   * every queued action. Does nothing after a cut or a second time.
   *
   * @throws RuntimeException when a filter fails (the caller must fail closed)
   */
  public void finish() {
    if (finished || stream.cut()) {
      finished = true;
      return;
    }
    finished = true;
    String released = stream.finish();
    release(released, stream.originalLength());
    if (!stream.cut()) {
      settle(true);
    }
  }

  /** True once the filters cut the text: nothing after {@link #cutSegment()}'s text is released. */
  public boolean cut() {
    return stream.cut();
  }

  /**
   * After a cut, the segment the match starts in (or the last one released into, when it starts at
   * a boundary): it received the released prefix and the replacement text and is the one to close.
   */
  public S cutSegment() {
    return cutAt;
  }

  /** True when the last {@link #feed} released nothing and the filter asked for a keep-alive. */
  public boolean keepAliveWanted() {
    return stream.keepAliveWanted();
  }

  /** True while some fed text is held back (queued actions wait for it). */
  public boolean holding() {
    return !queue.isEmpty();
  }

  private void release(String released, int original) {
    S last = null;
    int i = 0;
    while (i < original) {
      Object head = queue.peek();
      if (head instanceof Runnable action) {
        queue.poll();
        action.run();
        continue;
      }
      if (!(head instanceof Span<?> h)) {
        // More original text than was fed cannot happen; attribute it to the last segment.
        last = lastFed;
        onText.accept(lastFed, released.substring(i, original));
        i = original;
        break;
      }
      @SuppressWarnings("unchecked")
      Span<S> span = (Span<S>) h;
      int k = Math.min(span.remaining, original - i);
      if (k > 0) {
        onText.accept(span.segment, released.substring(i, i + k));
      }
      span.remaining -= k;
      i += k;
      last = span.segment;
      if (span.remaining == 0 && i < original) {
        queue.poll();
      }
    }
    if (stream.cut()) {
      S at = last;
      if (queue.peek() instanceof Span<?> h) {
        @SuppressWarnings("unchecked")
        S s = ((Span<S>) h).segment;
        at = s;
      }
      cutAt = at != null ? at : lastFed;
      if (original < released.length() && cutAt != null) {
        onText.accept(cutAt, released.substring(original));
      }
      queue.clear();
      return;
    }
    if (original < released.length()) {
      // Text that is not the fed text without a cut: released with the segment it followed.
      Object head = queue.peek();
      @SuppressWarnings("unchecked")
      S s = head instanceof Span<?> h ? ((Span<S>) h).segment : last != null ? last : lastFed;
      if (s != null) {
        onText.accept(s, released.substring(original));
      }
    }
    settle(false);
  }

  /** Pops released spans and runs the actions behind them, up to the first span still held. */
  private void settle(boolean all) {
    while (!queue.isEmpty()) {
      Object head = queue.peek();
      if (head instanceof Span<?> span && span.remaining > 0 && !all) {
        return;
      }
      queue.poll();
      if (head instanceof Runnable action) {
        action.run();
      }
    }
  }
}
