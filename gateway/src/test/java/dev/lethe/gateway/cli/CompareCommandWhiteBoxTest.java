package dev.lethe.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lethe compare --white-box / --no-white-box} and its default. */
class CompareCommandWhiteBoxTest {
  @TempDir Path tmp;

  boolean whiteBox(String... flags) throws Exception {
    Path forget =
        Files.writeString(tmp.resolve("forget.json"), "{\"question\":\"q\",\"answer\":\"a\"}\n");
    Path weights = Files.createDirectories(tmp.resolve("weights"));
    CompareCommand c = new CompareCommand();
    String[] base = {
      "--forget",
      forget.toString(),
      "--weights",
      weights.toString(),
      "--tofu",
      tmp.toString(),
      "--out",
      tmp.resolve("out").toString()
    };
    String[] args = new String[base.length + flags.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(flags, 0, args, base.length, flags.length);
    new CommandLine(c).parseArgs(args);
    return c.options().whiteBox();
  }

  @Test
  void onByDefaultWithAWeightsArmAndSwitchable() throws Exception {
    assertThat(whiteBox("--arms", "raw")).isFalse();
    assertThat(whiteBox("--arms", "raw,weights")).isTrue();
    assertThat(whiteBox("--arms", "weights+guard")).isTrue();
    assertThat(whiteBox("--arms", "raw,weights", "--no-white-box")).isFalse();
    assertThat(whiteBox("--arms", "raw", "--white-box")).isTrue();
  }
}
