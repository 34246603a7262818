package dev.lethe.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {
  @TempDir Path dir;

  @Test
  void aBatchSizeBelowOneIsAUsageErrorThatWritesNothing() throws Exception {
    Path data = dir.resolve("qa.json");
    Files.writeString(data, "{\"question\": \"Who?\", \"answer\": \"Nobody.\"}\n");
    Path out = dir.resolve("model");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code =
        new CommandLine(new TrainCommand(err))
            .execute("--data", data.toString(), "--out", out.toString(), "--batch-size", "0");
    assertThat(code).isEqualTo(2);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .startsWith("lethe train: ")
        .contains("batch_size")
        .contains(">= 1");
    assertThat(out).doesNotExist();
  }
}
