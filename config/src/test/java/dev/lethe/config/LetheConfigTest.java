package dev.lethe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LetheConfigTest {

  @Test
  void emptyDocumentGivesDefaults() {
    LetheConfig c = LetheConfig.parse("");
    assertThat(c.server().host()).isEqualTo("127.0.0.1");
    assertThat(c.server().port()).isEqualTo(8080);
    assertThat(c.dataDir()).isEqualTo(Path.of("lethe-data"));
    assertThat(c.backends()).isEmpty();
    assertThat(c.admin().tokenEnv()).isEqualTo("LETHE_ADMIN_TOKEN");
    assertThat(c.admin().decisionStreamPrompts()).isFalse();
  }

  @Test
  void promptsInTheDecisionsStreamAreAnExplicitBoolean() {
    assertThat(
            LetheConfig.parse("admin:\n  decisionStreamPrompts: true\n")
                .admin()
                .decisionStreamPrompts())
        .isTrue();
    assertThatThrownBy(() -> LetheConfig.parse("admin:\n  decisionStreamPrompts: yes please\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("admin.decisionStreamPrompts:");
  }

  @Test
  void readsAFullDocument() {
    LetheConfig c =
        LetheConfig.parse(
            """
            server:
              host: 0.0.0.0
              port: 9090
              maxBodyBytes: 65536
              shutdownGrace: 3s
            dataDir: /var/lib/lethe
            admin:
              tokenEnv: MY_ADMIN_TOKEN
            backends:
              - name: openai
                baseUrl: https://api.example.com/v1/
                apiKeyEnv: OPENAI_API_KEY
                models: [gpt-4o-mini]
                connectTimeout: 250ms
                totalTimeout: 2m
            """);
    assertThat(c.server().port()).isEqualTo(9090);
    assertThat(c.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.backends().get(0).baseUrl().toString()).isEqualTo("https://api.example.com/v1");
    assertThat(c.backends().get(0).connectTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.backends().get(0).totalTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.backends().get(0).models()).containsExactly("gpt-4o-mini");
  }

  @Test
  void errorsNameTheFieldTheValueAndTheExpectation() {
    assertThatThrownBy(() -> LetheConfig.parse("server:\n  port: 70000\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.port: 70000 (expected: 0..65535)");
    assertThatThrownBy(() -> LetheConfig.parse("server:\n  port: eighty\n"))
        .hasMessage("server.port: \"eighty\" (expected: an integer in 0..65535)");
    assertThatThrownBy(() -> LetheConfig.parse("backends:\n  - name: a\n    baseUrl: ftp://x\n"))
        .hasMessageStartingWith(
            "backends[0].baseUrl: \"ftp://x\" (expected: an http:// or https:// URL");
    assertThatThrownBy(
            () ->
                LetheConfig.parse(
                    "backends:\n  - name: a\n    baseUrl: http://x/v1\n    colour: red\n"))
        .hasMessageStartingWith("backends[0].colour: unknown field");
    assertThatThrownBy(() -> LetheConfig.parse("sever:\n  port: 1\n"))
        .hasMessageStartingWith("sever: unknown field");
    assertThatThrownBy(
            () ->
                LetheConfig.parse(
                    "backends:\n  - name: a\n    baseUrl: http://x/v1\n  - name: a\n    baseUrl: http://y/v1\n"))
        .hasMessage("backends[1].name: \"a\" (expected: a name no other backend uses)");
    assertThatThrownBy(
            () ->
                LetheConfig.parse(
                    "backends:\n  - name: a\n    baseUrl: http://x/v1\n    totalTimeout: soon\n"))
        .hasMessageStartingWith("backends[0].totalTimeout: \"soon\" (expected: a duration");
    assertThatThrownBy(() -> LetheConfig.parse("server: [1, 2]\n"))
        .hasMessage("server: a list (expected: an object)");
    assertThatThrownBy(() -> LetheConfig.parse("server:\n  port: [unclosed\n"))
        .hasMessageStartingWith("not valid YAML at line");
  }

  @Test
  void theScanSizeLimitHasASafeDefaultAndIsValidated() {
    assertThat(LetheConfig.parse("").detector().maxScanChars()).isEqualTo(1 << 20);
    assertThat(LetheConfig.parse("detector:\n  maxScanChars: 5000\n").detector().maxScanChars())
        .isEqualTo(5000);
    assertThatThrownBy(() -> LetheConfig.parse("detector:\n  maxScanChars: 10\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("detector.maxScanChars: 10 (expected: 1000..67108864)");
    assertThatThrownBy(() -> LetheConfig.parse("detector:\n  maxScanChars: 100000000\n"))
        .hasMessage("detector.maxScanChars: 100000000 (expected: 1000..67108864)");
  }

  @Test
  void theStartupWarmupHasABoundedDefaultAndIsValidated() {
    assertThat(LetheConfig.parse("").detector().warmup()).isEqualTo(Duration.ofSeconds(20));
    assertThat(LetheConfig.parse("detector:\n  warmup: 45s\n").detector().warmup())
        .isEqualTo(Duration.ofSeconds(45));
    assertThat(LetheConfig.parse("detector:\n  warmup: 0s\n").detector().warmup()).isZero();
    assertThatThrownBy(() -> LetheConfig.parse("detector:\n  warmup: 11m\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "detector.warmup: \"11m\" (expected: a duration such as 500ms, 30s or 5m, in PT0S..PT10M)");
    assertThatThrownBy(() -> LetheConfig.parse("detector:\n  warmup: soon\n"))
        .hasMessageStartingWith("detector.warmup: \"soon\" (expected: a duration");
    assertThatThrownBy(() -> DetectorConfig.defaults().withWarmup(Duration.ofSeconds(-1)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("detector.warmup: PT-1S (expected: a duration in 0s (off)..10m)");
  }

  @Test
  void anAnthropicBackendDefaultsItsUrlAndVersionAndValidatesThem() {
    LetheConfig c =
        LetheConfig.parse(
            "backends:\n  - name: claude\n    type: anthropic\n    apiKeyEnv: ANTHROPIC_API_KEY\n");
    BackendConfig b = c.backends().get(0);
    assertThat(b.type()).isEqualTo(BackendConfig.ANTHROPIC);
    assertThat(b.baseUrl().toString()).isEqualTo("https://api.anthropic.com/v1");
    assertThat(b.anthropicVersion()).isEqualTo("2023-06-01");
    assertThat(b.remote()).isTrue();
    assertThatThrownBy(
            () ->
                LetheConfig.parse(
                    "backends:\n  - name: c\n    type: anthropic\n    anthropicVersion: latest\n"))
        .hasMessage(
            "backends[0].anthropicVersion: \"latest\" (expected: an API version date such as"
                + " 2023-06-01)");
    assertThatThrownBy(
            () ->
                LetheConfig.parse(
                    "backends:\n  - name: o\n    baseUrl: http://x/v1\n    anthropicVersion: 2023-06-01\n"))
        .hasMessageStartingWith("backends[0].anthropicVersion: \"2023-06-01\" (expected: no")
        .hasMessageContaining("openai backend");
    assertThatThrownBy(() -> LetheConfig.parse("backends:\n  - name: o\n    type: bedrock\n"))
        .hasMessage("backends[0].type: \"bedrock\" (expected: openai, anthropic or local)");
  }

  @Test
  void corsOriginsAreOriginsOrOneStar() {
    assertThat(LetheConfig.parse("").server().corsOrigins()).isEmpty();
    assertThat(
            LetheConfig.parse(
                    "server:\n  corsOrigins: [\"https://a.example\", \"http://localhost:3000\"]\n")
                .server()
                .corsOrigins())
        .containsExactly("https://a.example", "http://localhost:3000");
    assertThat(LetheConfig.parse("server:\n  corsOrigins: [\"*\"]\n").server().corsOrigins())
        .containsExactly("*");
    assertThatThrownBy(
            () -> LetheConfig.parse("server:\n  corsOrigins: [\"https://a.example/app\"]\n"))
        .hasMessageStartingWith(
            "server.corsOrigins[0]: \"https://a.example/app\" (expected: an origin");
    assertThatThrownBy(
            () -> LetheConfig.parse("server:\n  corsOrigins: [\"*\", \"https://a.example\"]\n"))
        .hasMessageStartingWith("server.corsOrigins[0]: \"*\"");
  }
}
