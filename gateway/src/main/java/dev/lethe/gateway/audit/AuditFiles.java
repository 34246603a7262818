package dev.lethe.gateway.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** The log's files: {@code audit-<first seq, 12 digits>.jsonl}, in chain order by name. */
final class AuditFiles {
  private AuditFiles() {}

  static String name(long firstSeq) {
    return String.format("audit-%012d.jsonl", firstSeq);
  }

  static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("audit-\\d{12}\\.jsonl"))
          .sorted()
          .toList();
    }
  }

  static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be opened; the file itself is fsynced.
    }
  }
}
