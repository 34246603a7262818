package dev.lethe.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The strict JSON reading: what it refuses, and that what it accepts can be written back. */
class StrictJsonTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aNumberThatReadsAsInfinityIsRefused() {
    // Found by DecodersFuzz: 2.5e22222222222210 read as infinity, written back as "Infinity".
    for (String doc :
        new String[] {"{\"a\":[1,2.5e22222222222210]}", "{\"t\":1e999}", "[-1e400]", "1e309"}) {
      assertThatThrownBy(() -> StrictJson.read(b(doc)))
          .as(doc)
          .isInstanceOf(StrictJson.Rejected.class)
          .hasMessage("it holds a number too large for a 64-bit floating-point value");
    }
  }

  @Test
  void acceptedDocumentsWriteBackToTheSameDocument() throws Exception {
    String doc =
        "{\"a\":[1,2.5e300,-0.0,1e-400,123456789012345678901234567890,true,null,\"\\ud83d\\ude00\"]}";
    var read = StrictJson.read(b(doc));
    assertThat(StrictJson.read(StrictJson.mapper().writeValueAsBytes(read))).isEqualTo(read);
  }

  @Test
  void repeatedKeysAndTrailingValuesAreRefused() {
    assertThatThrownBy(() -> StrictJson.read(b("{\"a\":1,\"\\u0061\":2}")))
        .hasMessageStartingWith("it repeats the key 'a' in one object");
    assertThatThrownBy(() -> StrictJson.read(b("{} {}")))
        .hasMessageStartingWith("it holds more than one JSON value");
  }
}
