package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.config.AdminConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the admin token comes from, and the one length floor wherever it comes from. */
class AdminTokenTest {
  @TempDir Path dir;

  @Test
  void aShortTokenFromTheEnvironmentIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(
            () ->
                AdminToken.resolve(
                    AdminConfig.defaults(), dir, Map.of("LETHE_ADMIN_TOKEN", "secret")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("$LETHE_ADMIN_TOKEN")
        .hasMessageContaining("at least 16")
        .hasMessageNotContaining("secret");
  }

  @Test
  void aLongEnoughTokenFromTheEnvironmentWins() throws Exception {
    AdminToken t =
        AdminToken.resolve(
            AdminConfig.defaults(), dir, Map.of("LETHE_ADMIN_TOKEN", "  0123456789abcdef  "));
    assertThat(t.token()).isEqualTo("0123456789abcdef");
    assertThat(t.source()).isEqualTo("from $LETHE_ADMIN_TOKEN");
    assertThat(Files.exists(dir.resolve("admin.token"))).isFalse();
  }

  @Test
  void withoutEnvironmentOrConfigATokenIsGeneratedIntoTheDataDirectory() throws Exception {
    AdminToken t = AdminToken.resolve(AdminConfig.defaults(), dir, Map.of());
    assertThat(t.token()).hasSizeGreaterThanOrEqualTo(AdminConfig.MIN_TOKEN_LENGTH);
    assertThat(Files.readString(dir.resolve("admin.token")).strip()).isEqualTo(t.token());
    assertThat(AdminToken.resolve(AdminConfig.defaults(), dir, Map.of()).token())
        .isEqualTo(t.token());
  }
}
