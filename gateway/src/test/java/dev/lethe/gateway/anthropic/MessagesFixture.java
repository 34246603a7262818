package dev.lethe.gateway.anthropic;

import dev.lethe.config.LetheConfig;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.testing.FakeAnthropic;
import dev.lethe.gateway.testing.FakeOpenAi;
import dev.lethe.gateway.testing.TestRules;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway on loopback in front of a {@link FakeAnthropic} (backend {@code claude}, type {@code
 * anthropic}, key from an environment variable) and a {@link FakeOpenAi} (backend {@code fake},
 * type {@code openai}), with two rules: {@code vault} withholds {@link #SECRET} from every answer,
 * {@code person} refuses questions about {@link #SUBJECT}.
 */
final class MessagesFixture implements AutoCloseable {
  static final String SECRET = "Hunter2Alpha";
  static final String SUBJECT = "Basil Mahfouz Al-Kuwaiti";
  static final String REFUSAL = "I cannot discuss that person.";
  static final String UPSTREAM_KEY = "sk-ant-upstream-test";

  final Vertx vertx;
  final FakeAnthropic anthropic;
  final FakeOpenAi openai;
  final LetheGateway gateway;
  final GatewayAssembly assembly;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private MessagesFixture(
      Vertx vertx, FakeAnthropic a, FakeOpenAi o, LetheGateway gw, GatewayAssembly assembly) {
    this.vertx = vertx;
    this.anthropic = a;
    this.openai = o;
    this.gateway = gw;
    this.assembly = assembly;
  }

  static MessagesFixture start(Path dataDir) throws Exception {
    Vertx vertx = Vertx.vertx();
    FakeAnthropic a = FakeAnthropic.start(vertx);
    FakeOpenAi o = FakeOpenAi.start(vertx);
    String yaml =
        "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 2\n  maxBodyBytes: 65536\n"
            + "dataDir: "
            + dataDir
            + "\nadmin:\n  token: test-admin-token-0123456789\n"
            + "backends:\n"
            + "  - name: claude\n    type: anthropic\n    baseUrl: "
            + a.baseUrl()
            + "\n    apiKeyEnv: TEST_ANTHROPIC_KEY\n"
            + "  - name: fake\n    type: openai\n    baseUrl: "
            + o.baseUrl()
            + "\n    models: [gpt-test]\n";
    LetheConfig config = LetheConfig.parse(yaml);
    GatewayAssembly assembly =
        GatewayAssembly.create(vertx, config, Map.of("TEST_ANTHROPIC_KEY", UPSTREAM_KEY));
    LetheGateway gw = LetheGateway.start(vertx, assembly.parts()).await(30, TimeUnit.SECONDS);
    assembly.rules().create(TestRules.vault(SECRET));
    assembly
        .rules()
        .create(
            new ForgetRule(
                "person",
                "Forget the author " + SUBJECT,
                List.of(SUBJECT),
                List.of("What genre does " + SUBJECT + " write in?"),
                List.of(),
                List.of(),
                Action.REFUSE,
                REFUSAL,
                OnError.CLOSED));
    return new MessagesFixture(vertx, a, o, gw, assembly);
  }

  /** The gateway's root URL (the Anthropic SDK appends {@code /v1/messages}). */
  String rootUrl() {
    return "http://127.0.0.1:" + gateway.port();
  }

  /** A raw POST of {@code json} to {@code path}. */
  HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(rootUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("x-api-key", "sk-client")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A raw GET of {@code path}. */
  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(rootUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    try {
      gateway.stop().await(30, TimeUnit.SECONDS);
      assembly.close();
      anthropic.close();
      openai.close();
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
