package dev.lethe.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibtorchVersionTest {
  @TempDir Path dir;

  @Test
  void theJniOnTheClasspathNamesItsLibtorchRelease() {
    assertThat(LibtorchVersion.jniRelease())
        .hasValueSatisfying(v -> assertThat(v).matches("\\d+\\.\\d+\\.\\d+"));
  }

  @Test
  void aPythonTorchOfAnotherReleaseIsAMismatchNamingBoth() throws Exception {
    Path torch = dir.resolve("site-packages/torch");
    Files.createDirectories(torch.resolve("lib"));
    Files.writeString(
        torch.resolve("version.py"),
        "from typing import Optional\n__version__ = '2.11.0+cu130'\ngit_version = 'abc'\n");
    assertThat(LibtorchVersion.localVersion(torch.resolve("lib"))).hasValue("2.11.0+cu130");
    assertThat(LibtorchVersion.mismatch(torch.resolve("lib"), "2.7.1"))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("PYTORCH_LIBRARY_PATH=")
                    .contains("libtorch 2.11.0+cu130")
                    .contains("built for libtorch 2.7.1"));
  }

  @Test
  void aLibtorchArchiveOfTheSameReleaseMatchesWhateverItsFlavour() throws Exception {
    Path libtorch = dir.resolve("libtorch");
    Files.createDirectories(libtorch.resolve("lib"));
    Files.writeString(libtorch.resolve("build-version"), "2.7.1+cu128\n");
    assertThat(LibtorchVersion.mismatch(libtorch.resolve("lib"), "2.7.1")).isEmpty();
    assertThat(LibtorchVersion.mismatch(libtorch.resolve("lib"), "2.7.2")).isPresent();
  }

  @Test
  void aFolderWithItsOwnJniLibraryIsLetThrough() throws Exception {
    Path torch = dir.resolve("torch");
    Files.createDirectories(torch.resolve("lib"));
    Files.writeString(torch.resolve("version.py"), "__version__ = '2.11.0+cu130'\n");
    assertThat(LibtorchVersion.mismatch(torch.resolve("lib"), "2.7.1")).isPresent();
    Files.write(torch.resolve("lib").resolve(LibtorchVersion.JNI_LIBRARY), new byte[] {1});
    assertThat(LibtorchVersion.mismatch(torch.resolve("lib"), "2.7.1")).isEmpty();
  }

  @Test
  void aFolderThatDoesNotSayItsVersionIsLetThrough() throws Exception {
    Path lib = Files.createDirectories(dir.resolve("somewhere/lib"));
    assertThat(LibtorchVersion.localVersion(lib)).isEmpty();
    assertThat(LibtorchVersion.mismatch(lib, "2.7.1")).isEmpty();
  }
}
