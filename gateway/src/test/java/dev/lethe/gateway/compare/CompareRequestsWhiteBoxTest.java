package dev.lethe.gateway.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.ConfigException;
import dev.lethe.probes.Family;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /admin/compare}'s {@code whiteBox} field and the paraphrase family's key. */
class CompareRequestsWhiteBoxTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  CompareOptions parse(String json) throws Exception {
    return CompareRequests.parse(JSON.readTree(json.replace("FORGET", forget().toString())));
  }

  Path forget() throws Exception {
    Path f = tmp.resolve("forget.json");
    if (!Files.exists(f)) {
      Files.writeString(f, "{\"question\":\"q\",\"answer\":\"a\"}\n");
      Files.createDirectories(tmp.resolve("w"));
    }
    return f;
  }

  @Test
  void whiteBoxDefaultsToOnWithAWeightsArmAndCanBeSwitched() throws Exception {
    String w = tmp.resolve("w").toString();
    forget();
    assertThat(parse("{\"arms\":[\"raw\"],\"forget\":\"FORGET\"}").whiteBox()).isFalse();
    assertThat(
            parse(
                    "{\"arms\":[\"raw\",\"weights\"],\"forget\":\"FORGET\",\"weights\":\""
                        + w
                        + "\"}")
                .whiteBox())
        .isTrue();
    assertThat(
            parse(
                    "{\"arms\":[\"weights\"],\"forget\":\"FORGET\",\"weights\":\""
                        + w
                        + "\",\"whiteBox\":false}")
                .whiteBox())
        .isFalse();
    assertThat(parse("{\"arms\":[\"raw\"],\"forget\":\"FORGET\",\"whiteBox\":true}").whiteBox())
        .isTrue();
    assertThatThrownBy(
            () -> parse("{\"arms\":[\"raw\"],\"forget\":\"FORGET\",\"whiteBox\":\"yes\"}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("whiteBox");
  }

  @Test
  void paraphraseIsAFamilyByDefaultAndByName() throws Exception {
    assertThat(parse("{\"arms\":[\"raw\"],\"forget\":\"FORGET\"}").families())
        .contains(Family.PARAPHRASE);
    assertThat(
            parse("{\"arms\":[\"raw\"],\"forget\":\"FORGET\",\"families\":[\"paraphrase\"]}")
                .families())
        .containsExactly(Family.PARAPHRASE);
  }
}
