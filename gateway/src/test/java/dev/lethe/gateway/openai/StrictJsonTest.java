package dev.lethe.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

  @Test
  void readFieldsBuildsOnlyTheKeptTopLevelFields() throws Exception {
    var head =
        StrictJson.readFields(
            b(
                "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"hi \\u00e9\"}}],"
                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5},\"n\":1.5}"),
            Set.of("usage", "type"));
    assertThat(head.toString())
        .isEqualTo("{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5}}");
  }

  /** readFields refuses exactly what read refuses, plus any top-level value that is no object. */
  @Test
  void readFieldsRefusesWhatReadRefuses() {
    List<byte[]> docs = new ArrayList<>();
    for (String doc :
        new String[] {
          "{\"a\":1,\"\\u0061\":2}",
          "{\"usage\":{\"a\":1,\"a\":2}}",
          "{\"x\":{\"a\":1,\"a\":2}}",
          "{\"x\":[1,{\"b\":[1e999]}]}",
          "{\"usage\":{\"t\":-1e400}}",
          "{\"x\":2.5e300}",
          "{} {}",
          "{\"x\":1}]",
          "{\"x\":1",
          "{\"x\":[1,2}",
          "{\"x\":\"a\" \"b\"}",
          "{\"x\":NaN}",
          "{\"x\":1} // c",
          "{\"x\":\"" + "1".repeat(10) + "\"}",
          "{\"x\":" + "1".repeat(201) + "}",
          "{\"x\":" + "[".repeat(300) + "]".repeat(300) + "}",
          "{\"x\":" + "[".repeat(200) + "]".repeat(200) + "}",
          "",
          "   ",
          "{}",
        }) {
      docs.add(b(doc));
    }
    // Invalid UTF-8 inside a skipped string, a kept one and a key.
    docs.add(new byte[] {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, '"', '}'});
    docs.add(new byte[] {'{', '"', 'x', '"', ':', '"', (byte) 0xFF, 'a', '"', '}'});
    docs.add(
        new byte[] {
          '{', '"', 'u', 's', 'a', 'g', 'e', '"', ':', '"', (byte) 0xE2, (byte) 0x28, '"', '}'
        });
    docs.add(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
    for (byte[] doc : docs) {
      String label = new String(doc, StandardCharsets.ISO_8859_1);
      boolean readRefuses = refuses(() -> StrictJson.read(doc));
      boolean fieldsRefuse = refuses(() -> StrictJson.readFields(doc, Set.of("usage")));
      assertThat(fieldsRefuse).as(label).isEqualTo(readRefuses);
    }
    assertThatThrownBy(() -> StrictJson.readFields(b("[1]"), Set.of()))
        .hasMessage("it is not a JSON object");
    assertThatThrownBy(() -> StrictJson.readFields(b("{\"x\":{\"a\":1,\"a\":2}}"), Set.of()))
        .hasMessageStartingWith("it repeats the key 'a' in one object");
  }

  private interface Reading {
    Object read() throws StrictJson.Rejected;
  }

  private static boolean refuses(Reading r) {
    try {
      r.read();
      return false;
    } catch (StrictJson.Rejected e) {
      return true;
    }
  }
}
