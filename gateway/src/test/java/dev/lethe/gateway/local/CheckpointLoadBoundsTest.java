package dev.lethe.gateway.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.gateway.backend.local.ModelRegistry;
import dev.lethe.gateway.backend.local.ModelSlot;
import dev.lethe.gateway.testing.TinyCheckpoints;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, finding 10: a checkpoint whose {@code config.json} is {@code /dev/zero} (or any file
 * larger than the loader should read) is refused at once, naming the file, and the model's slot is
 * released, so the next swap is accepted.
 */
class CheckpointLoadBoundsTest {
  @TempDir static Path tmp;
  static Path good;
  static ModelRegistry registry;

  @BeforeAll
  static void start() throws Exception {
    good = TinyCheckpoints.random(tmp.resolve("good"), 7, 64);
    registry = new ModelRegistry(Clock.systemUTC());
    registry.register("m", good);
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @Test
  void aConfigThatIsADeviceIsRefusedAtOnceAndTheSlotIsReleased() throws Exception {
    Path bad = copy(good, tmp.resolve("dev-zero"));
    Files.delete(bad.resolve("config.json"));
    Files.createSymbolicLink(bad.resolve("config.json"), Path.of("/dev/zero"));

    ModelSlot.Swap refused = swapAndWait(bad);
    assertThat(refused.state()).isEqualTo(ModelSlot.SwapState.REFUSED);
    assertThat(refused.reason()).contains("config.json").contains("regular file");

    // The slot is free again: the next swap is accepted and succeeds.
    assertThat(swapAndWait(good).state()).isEqualTo(ModelSlot.SwapState.ACTIVE);
  }

  @Test
  void anOversizedConfigIsRefusedWithoutReadingIt() throws Exception {
    Path bad = copy(good, tmp.resolve("huge"));
    try (RandomAccessFile f = new RandomAccessFile(bad.resolve("config.json").toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: 3 GiB that were never written
    }
    ModelSlot.Swap refused = swapAndWait(bad);
    assertThat(refused.state()).isEqualTo(ModelSlot.SwapState.REFUSED);
    assertThat(refused.reason()).contains("config.json").contains("at most");
    assertThat(swapAndWait(good).state()).isEqualTo(ModelSlot.SwapState.ACTIVE);
  }

  private static ModelSlot.Swap swapAndWait(Path dir) throws Exception {
    Optional<ModelRegistry.Started> started = registry.swap("m", dir);
    assertThat(started).as("the slot accepts a swap (no 409)").isPresent();
    return started.get().outcome().get(30, TimeUnit.SECONDS);
  }

  private static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }
}
