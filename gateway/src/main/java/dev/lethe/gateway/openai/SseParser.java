package dev.lethe.gateway.openai;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An incremental parser of {@code text/event-stream} (the WHATWG event-stream format) that accepts
 * input split at any byte, including inside a UTF-8 character or a CRLF pair. It reports the {@code
 * data} of each complete event; comments ({@code :...}) and other fields are ignored.
 *
 * <p>Not thread-safe: one instance per stream.
 */
public final class SseParser {
  private final Consumer<String> onData;

  /** The current line's bytes so far: {@code line[0..size)}. */
  private byte[] line = new byte[256];

  private int size;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private boolean lastWasCr;
  private long maxEventBytes;

  /**
   * Creates a parser.
   *
   * @param onData receives the data of each complete event (multi-line data joined with '\n')
   * @param maxEventBytes the largest event accepted; a larger one fails the stream
   */
  public SseParser(Consumer<String> onData, long maxEventBytes) {
    this.onData = onData;
    this.maxEventBytes = maxEventBytes;
  }

  /**
   * Feeds bytes.
   *
   * @throws IllegalStateException when an event exceeds the size limit
   */
  public void feed(byte[] bytes, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end) {
      byte b = bytes[i];
      if (b == '\n') {
        i++;
        if (lastWasCr) {
          lastWasCr = false;
          continue;
        }
        endLine();
      } else if (b == '\r') {
        i++;
        lastWasCr = true;
        endLine();
      } else {
        lastWasCr = false;
        // copy the rest of the line at once: this runs for every byte a stream carries
        int j = i + 1;
        while (j < end && bytes[j] != '\n' && bytes[j] != '\r') {
          j++;
        }
        append(bytes, i, j - i);
        i = j;
      }
    }
  }

  private void append(byte[] bytes, int off, int len) {
    if ((long) size + len + data.length() > maxEventBytes) {
      throw new IllegalStateException("SSE event larger than " + maxEventBytes + " bytes");
    }
    if (size + len > line.length) {
      line = Arrays.copyOf(line, Math.max(size + len, 2 * line.length));
    }
    System.arraycopy(bytes, off, line, size, len);
    size += len;
  }

  /** Feeds all of {@code bytes}. */
  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /**
   * Ends the input. As the event-stream format specifies, an event cut off before its closing blank
   * line is discarded, never dispatched half-received.
   */
  public void end() {
    size = 0;
    data.setLength(0);
    hasData = false;
  }

  private void endLine() {
    if (size == 0) {
      dispatch();
      return;
    }
    String l = new String(line, 0, size, StandardCharsets.UTF_8);
    size = 0;
    if (line.length > 64 << 10) {
      line = new byte[256]; // one long line does not pin its buffer for the rest of the stream
    }
    if (l.startsWith(":")) {
      return;
    }
    int colon = l.indexOf(':');
    String field = colon < 0 ? l : l.substring(0, colon);
    String value = colon < 0 ? "" : l.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    if (field.equals("data")) {
      if (hasData) {
        data.append('\n');
      }
      data.append(value);
      hasData = true;
    }
  }

  private void dispatch() {
    if (hasData) {
      String d = data.toString();
      data.setLength(0);
      hasData = false;
      onData.accept(d);
    }
  }
}
