package dev.lethe.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  private static final String STREAM =
      ": keep-alive\r\n\r\n"
          + "data: {\"a\":\"café 🙂\"}\n\n"
          + "event: message\ndata: line1\ndata: line2\n\n"
          + "data:nospace\r\n\r\n"
          + "id: 7\n\n"
          + "data: [DONE]\n\n"
          + "data: cut off";

  @Test
  void parsesTheSameEventsWhereverTheInputIsSplit() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    List<String> expected = List.of("{\"a\":\"café 🙂\"}", "line1\nline2", "nospace", "[DONE]");
    for (int cut1 = 0; cut1 <= bytes.length; cut1++) {
      for (int cut2 = cut1; cut2 <= bytes.length; cut2 += 5) {
        List<String> got = new ArrayList<>();
        SseParser p = new SseParser(got::add, 1 << 20);
        p.feed(bytes, 0, cut1);
        p.feed(bytes, cut1, cut2 - cut1);
        p.feed(bytes, cut2, bytes.length - cut2);
        p.end();
        assertThat(got).as("cuts at %d and %d", cut1, cut2).isEqualTo(expected);
      }
    }
  }

  @Test
  void oneByteAtATime() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    List<String> got = new ArrayList<>();
    SseParser p = new SseParser(got::add, 1 << 20);
    for (byte b : bytes) {
      p.feed(new byte[] {b});
    }
    p.end();
    assertThat(got).hasSize(4);
  }

  @Test
  void linesLongerThanTheFirstBufferArriveWholeInAnyPieces() {
    String big = "x".repeat(100_000) + "é";
    byte[] bytes = ("data: " + big + "\r\ndata: tail\n\n").getBytes(StandardCharsets.UTF_8);
    for (int piece : new int[] {1, 3, 255, 256, 257, 4096, bytes.length}) {
      List<String> got = new ArrayList<>();
      SseParser p = new SseParser(got::add, 1 << 20);
      for (int off = 0; off < bytes.length; off += piece) {
        p.feed(bytes, off, Math.min(piece, bytes.length - off));
      }
      assertThat(got).as("pieces of %d", piece).containsExactly(big + "\ntail");
    }
  }

  @Test
  void theLimitCountsTheEventsEarlierLinesToo() {
    List<String> got = new ArrayList<>();
    SseParser p = new SseParser(got::add, 20);
    p.feed("data: 0123456789\n".getBytes(StandardCharsets.UTF_8)); // 10 bytes of data so far
    // the second line's 11 bytes take the event to 21 bytes: over the limit
    assertThatThrownBy(() -> p.feed("data: 01234\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(got).isEmpty();
  }

  @Test
  void oversizeEventsFail() {
    SseParser p = new SseParser(s -> {}, 10);
    assertThatThrownBy(() -> p.feed("data: 0123456789abcdef".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class);
  }
}
