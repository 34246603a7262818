package dev.lethe.gateway.unlearn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.LetheConfig;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.testing.TinyCheckpoints;
import dev.lethe.unlearner.search.DefaultTarget;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /admin/unlearn} end to end on a tiny random checkpoint and a slice of the tiny TOFU
 * fixture: validation, a job run to the end with its evaluations, a failed gate that leaves the old
 * checkpoint serving, a passed gate that swaps, and a restart that fails an interrupted job.
 */
class AdminUnlearnTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "test-admin-token-0123456789";
  static final String OPTIONS = "{\"steps\": 2, \"batchSize\": 2, \"lr\": 0.001}";

  @TempDir static Path tmp;
  static Path model;
  static Path data;

  final HttpClient http = HttpClient.newHttpClient();
  Vertx vertx;
  GatewayAssembly assembly;
  LetheGateway gateway;

  @BeforeAll
  static void fixtures() throws Exception {
    dev.lethe.unlearner.Engines.pytorch();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
    model = TinyCheckpoints.random(tmp.resolve("model"), 7, 1024);
    data =
        Paths.get(AdminUnlearnTest.class.getResource("/unlearn-tiny/pool.json").toURI())
            .getParent();
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.stop().await(30, TimeUnit.SECONDS);
    }
    if (assembly != null) {
      assembly.close();
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  void start(Path dataDir, String gates, boolean utilitySets) throws Exception {
    String yaml =
        "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 1\n"
            + "dataDir: "
            + dataDir
            + "\nadmin:\n  token: "
            + TOKEN
            + "\ndetector:\n  enabled: false\n"
            + "backends:\n  - name: tiny\n    type: local\n    models: [tiny]\n    checkpoint: "
            + model
            + "\nunlearn:\n  retainSet: "
            + data.resolve("retain.json")
            + "\n  qaPool: "
            + data.resolve("pool.json")
            + (utilitySets
                ? "\n  realAuthors: "
                    + data.resolve("retain_perturbed.json")
                    + "\n  worldFacts: "
                    + data.resolve("retain_perturbed.json")
                : "")
            + "\n  evalLimit: 2\n  maxNewTokens: 8\n  gates:\n"
            + gates;
    vertx = Vertx.vertx();
    assembly = GatewayAssembly.create(vertx, LetheConfig.parse(yaml), Map.of());
    gateway = LetheGateway.start(vertx, assembly.parts()).await(30, TimeUnit.SECONDS);
    assembly
        .rules()
        .create(
            rule(
                "basil",
                List.of("Basil Mahfouz Al-Kuwaiti"),
                List.of(
                    "What is the full name of the author born in Kuwait City, Kuwait on 08/09/1956?",
                    "Which awards did he win?")));
    assembly.rules().create(rule("nobody", List.of("Zork Unheard"), List.of("Who is Zork?")));
  }

  static ForgetRule rule(String id, List<String> subjects, List<String> examples) {
    return new ForgetRule(
        id, "", subjects, examples, List.of(), List.of(), Action.REFUSE, null, OnError.CLOSED);
  }

  HttpResponse<String> call(String method, String path, String body)
      throws java.io.IOException, InterruptedException, URISyntaxException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(new URI("http://127.0.0.1:" + gateway.port() + path))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode post(String body, int status) throws Exception {
    HttpResponse<String> r = call("POST", "/admin/unlearn", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  String checkpointServing() throws Exception {
    HttpResponse<String> r = call("GET", "/admin/models", null);
    return JSON.readTree(r.body()).path("models").get(0).path("checkpoint").asText();
  }

  /**
   * Records every change of every job as it happens ({@link UnlearnJobs#watch}), one line each:
   * {@code state phase step/steps [stage S] [loss]}. The job's final answer overwrites its progress
   * with the report's, so only these lines show the progress a client saw while it ran.
   */
  List<String> watchProgress() {
    List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    assembly
        .unlearn()
        .watch(
            j -> {
              JsonNode p = j.path("progress");
              seen.add(
                  j.path("id").asText()
                      + " "
                      + j.path("state").asText()
                      + " "
                      + p.path("phase").asText()
                      + " "
                      + p.path("step").asInt()
                      + "/"
                      + p.path("steps").asInt()
                      + (p.path("stages").asInt() > 1 ? " stage " + p.path("stage").asInt() : "")
                      + (p.path("loss").isNumber() ? " loss" : ""));
            });
    return seen;
  }

  /** The lines of {@link #watchProgress} about {@code job}, without its id. */
  static List<String> of(List<String> seen, String job) {
    synchronized (seen) {
      return seen.stream()
          .filter(l -> l.startsWith(job + " "))
          .map(l -> l.substring(job.length() + 1))
          .toList();
    }
  }

  JsonNode finish(String job) throws Exception {
    assembly.unlearn().done(job).get(60, TimeUnit.SECONDS);
    HttpResponse<String> r = call("GET", "/admin/unlearn/" + job, null);
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static String req(String model, String rules, String method, String options) {
    return "{\"model\": \""
        + model
        + "\", \"rules\": "
        + rules
        + ", \"method\": \""
        + method
        + "\", \"options\": "
        + options
        + "}";
  }

  @Test
  void validatesUpFrontThenRefusesAFailedGateAndKeepsServing() throws Exception {
    start(tmp.resolve("strict"), "    maxForgetRouge: 0.4\n    minUtilityRatio: 0.9\n", false);
    assertThat(post(req("nope", "[\"basil\"]", "npo", OPTIONS), 404).at("/error/param").asText())
        .isEqualTo("model");
    JsonNode e = post(req("tiny", "[\"basil\", \"gone\"]", "npo", OPTIONS), 404);
    assertThat(e.at("/error/code").asText()).isEqualTo("rule_not_found");
    assertThat(
            post(req("tiny", "[\"basil\"]", "forgetall", OPTIONS), 400).at("/error/param").asText())
        .isEqualTo("method");
    assertThat(
            post(req("tiny", "[\"basil\"]", "npo", "{\"lr\": 7}"), 400).at("/error/param").asText())
        .isEqualTo("options.lr");
    assertThat(
            post(req("tiny", "[\"basil\"]", "npo", "{\"bogus\": 1}"), 400)
                .at("/error/param")
                .asText())
        .isEqualTo("options.bogus");
    assertThat(
            post(req("tiny", "[\"basil\"]", "npo", "{\"beta\": -1}"), 400)
                .at("/error/param")
                .asText())
        .isEqualTo("options.beta");
    e = post(req("tiny", "[\"nobody\"]", "npo", OPTIONS), 400);
    assertThat(e.at("/error/code").asText()).isEqualTo("no_forget_data");
    assertThat(post("{\"model\": \"tiny\"}", 400).at("/error/param").asText()).isEqualTo("method");
    assertThat(call("GET", "/admin/unlearn", null).body()).isEqualTo("{\"jobs\":[]}");

    String before = checkpointServing();
    List<String> seen = watchProgress();
    String job = post(req("tiny", "[\"basil\"]", "npo", OPTIONS), 202).path("job").asText();
    // one job at a time: the tiny job loads, evaluates and trains for far longer than one call
    assertThat(post(req("tiny", "[\"basil\"]", "ga", OPTIONS), 409).at("/error/code").asText())
        .isEqualTo("job_in_progress");

    JsonNode j = finish(job);
    assertThat(j.path("state").asText()).isEqualTo("refused");
    assertThat(j.path("reason").asText())
        .startsWith("gates failed: ")
        .contains("model utility could not be computed");
    assertThat(j.path("progress").path("phase").asText()).isEqualTo("done");
    assertThat(j.path("progress").path("step").asInt()).isEqualTo(2);
    assertThat(j.path("progress").path("steps").asInt()).isEqualTo(2);
    assertThat(j.path("progress").path("loss").isNumber()).isTrue();
    // what a client saw while the job ran: each phase in order, each step with its loss
    assertThat(of(seen, job))
        .containsExactly(
            "running load 0/2",
            "evaluating evaluate-before 0/2",
            "running unlearn 0/2",
            "running unlearn 1/2 loss",
            "running unlearn 2/2 loss",
            "evaluating evaluate-after 2/2 loss",
            "evaluating save 2/2 loss",
            "evaluating gates 2/2 loss",
            "refused done 2/2 loss");
    assertThat(j.path("forget").path("pairs").asInt()).isEqualTo(4);
    assertThat(j.at("/forget/unmatchedExamples/0").asText()).isEqualTo("Which awards did he win?");
    for (String phase : List.of("before", "after")) {
      assertThat(j.path(phase).path("forget_rouge").isNumber()).as(phase).isTrue();
      assertThat(j.path(phase).path("retain_rouge").isNumber()).as(phase).isTrue();
      assertThat(j.path(phase).has("mia_auc")).isTrue();
    }
    assertThat(j.path("gates").path("passed").asBoolean()).isFalse();
    assertThat(j.path("swapped").asBoolean()).isFalse();
    assertThat(Files.isRegularFile(Path.of(j.at("/checkpoint/to").asText(), "report.json")))
        .isTrue();
    assertThat(checkpointServing()).isEqualTo(before);
    assertThat(assembly.rules().current().rule("basil")).isPresent();
    JsonNode persisted =
        JSON.readTree(tmp.resolve("strict").resolve("unlearn").resolve(job + ".json").toFile());
    assertThat(persisted.path("state").asText()).isEqualTo("refused");
    JsonNode list = JSON.readTree(call("GET", "/admin/unlearn", null).body());
    assertThat(list.path("jobs").get(0).path("id").asText()).isEqualTo(job);
    assertThat(call("GET", "/admin/unlearn/job-none", null).statusCode()).isEqualTo(404);
  }

  @Test
  void passingGatesSwapTheNewCheckpointIn() throws Exception {
    start(
        tmp.resolve("lenient"),
        "    maxForgetRouge: 0.999\n    minUtilityRatio: 0.0\n    minRetainRougeRatio: 0.0\n",
        true);
    String before = checkpointServing();
    String job = post(req("tiny", "[\"basil\"]", "npo", OPTIONS), 202).path("job").asText();
    JsonNode j = finish(job);
    assertThat(j.path("state").asText()).as(j.toString()).isEqualTo("succeeded");
    assertThat(j.path("gates").path("passed").asBoolean()).isTrue();
    assertThat(j.at("/gates/checks/0/gate").asText()).isEqualTo("maxForgetRouge");
    assertThat(j.path("swapped").asBoolean()).isTrue();
    assertThat(j.at("/after/model_utility").isNumber()).isTrue();
    String to = j.at("/checkpoint/to").asText();
    assertThat(j.at("/checkpoint/from").asText()).isEqualTo(before);
    assertThat(checkpointServing()).isEqualTo(to).isNotEqualTo(before);
  }

  @Test
  void npoWithoutAScheduleRunsToTheSameDefaultGoalAsTheCommandLine() throws Exception {
    start(
        tmp.resolve("default-goal"),
        "    maxForgetRouge: 1.0\n    minUtilityRatio: 0.0\n    minRetainRougeRatio: 0.0\n",
        true);
    // no steps or epochs: the default goal, with the request's lr replacing the default's
    String job =
        post(req("tiny", "[\"basil\"]", "npo", "{\"batchSize\": 2, \"lr\": 0.001}"), 202)
            .path("job")
            .asText();
    JsonNode queued = JSON.readTree(call("GET", "/admin/unlearn/" + job, null).body());
    DefaultTarget d = DefaultTarget.NPO;
    assertThat(queued.at("/search/defaults/applied").asText()).isEqualTo("npo default goal");
    assertThat(queued.at("/search/defaults/goal").asText()).isEqualTo(d.goal().text());
    assertThat(queued.at("/search/defaults/overridden_by_flags/0").asText()).isEqualTo("lr");
    assertThat(queued.at("/search/defaults/settings/retainLoss").asText()).isEqualTo("kl");
    // the request's batch of 2 replaces the whole forget set; a trial is the default's steps
    assertThat(queued.at("/search/defaults/overridden_by_flags/1").asText()).isEqualTo("batchSize");
    assertThat(queued.at("/progress/steps").asInt()).isEqualTo(d.trialSteps());
    JsonNode j = finish(job);
    assertThat(j.path("state").asText()).as(j.toString()).isEqualTo("succeeded");
    assertThat(j.at("/search/goal").asText()).isEqualTo(d.goal().text());
    assertThat(j.at("/search/stopped").asText()).isIn("goal met", "trials spent");
    assertThat(j.at("/search/met").isBoolean()).isTrue();
    assertThat(j.at("/search/validation_questions").asInt()).isEqualTo(1); // 2 evaluated, halved
    assertThat(j.at("/search/defaults/applied").asText()).isEqualTo("npo default goal");
    assertThat(j.at("/after/forget_rouge").isNumber()).isTrue(); // the test half's
    assertThat(j.path("swapped").asBoolean()).isTrue();

    // a schedule turns the default off: the fixed loop, no search
    String fixed = post(req("tiny", "[\"basil\"]", "npo", OPTIONS), 202).path("job").asText();
    JsonNode f = finish(fixed);
    assertThat(f.path("search").isNull()).as(f.toString()).isTrue();
    assertThat(f.at("/progress/steps").asInt()).isEqualTo(2);
  }

  @Test
  void aRestartFailsAJobThatWasRunning() throws Exception {
    Path dataDir = tmp.resolve("restart");
    Files.createDirectories(dataDir.resolve("unlearn"));
    Files.writeString(
        dataDir.resolve("unlearn").resolve("job-cafe.json"),
        "{\"id\": \"job-cafe\", \"model\": \"tiny\", \"state\": \"running\", \"reason\": null,"
            + " \"createdAt\": \"2026-01-01T00:00:00Z\", \"finishedAt\": null}");
    Files.writeString(
        dataDir.resolve("unlearn").resolve("job-done.json"),
        "{\"id\": \"job-done\", \"model\": \"tiny\", \"state\": \"succeeded\", \"reason\": null,"
            + " \"createdAt\": \"2026-01-02T00:00:00Z\", \"finishedAt\": \"2026-01-02T00:01:00Z\"}");
    start(dataDir, "    maxForgetRouge: 0.4\n", false);
    JsonNode j = JSON.readTree(call("GET", "/admin/unlearn/job-cafe", null).body());
    assertThat(j.path("state").asText()).isEqualTo("failed");
    assertThat(j.path("reason").asText()).isEqualTo("interrupted by a restart");
    assertThat(j.path("finishedAt").asText()).isNotBlank();
    assertThat(jobsCounted("failed")).isEqualTo(1.0);
    assertThat(
            JSON.readTree(dataDir.resolve("unlearn").resolve("job-cafe.json").toFile())
                .path("state")
                .asText())
        .isEqualTo("failed");
    JsonNode list = JSON.readTree(call("GET", "/admin/unlearn", null).body());
    assertThat(list.path("jobs"))
        .extracting(n -> n.path("state").asText())
        .containsExactly("failed", "succeeded");
    // the interrupted job no longer blocks a new one
    String job =
        post(req("tiny", "[\"basil\"]", "ga", "{\"steps\": 1, \"batchSize\": 2}"), 202)
            .path("job")
            .asText();
    assertThat(finish(job).path("state").asText()).isEqualTo("refused");
    assertThat(jobsCounted("refused")).isEqualTo(1.0);
  }

  double jobsCounted(String state) {
    return assembly
        .parts()
        .metrics()
        .registry()
        .counter("lethe.unlearn.jobs", "state", state)
        .count();
  }

  @Test
  void aPipelineRunsAsOneJobAndAFailedRobustnessGateRefusesTheSwap() throws Exception {
    start(
        tmp.resolve("robust"),
        "    maxForgetRouge: 0.999\n    minUtilityRatio: 0.0\n"
            + "    maxQuantizedForgetRougeDelta: 0.5\n    minRelearningRobustness: 0.5\n",
        false);
    String before = checkpointServing();
    JsonNode bad =
        post(
            "{\"model\": \"tiny\", \"rules\": [\"basil\"], \"stages\": [{\"method\": \"rmu\","
                + " \"options\": {\"steps\": 1}}, {\"method\": \"npo\", \"options\": {\"lr\": 7}}]}",
            400);
    assertThat(bad.at("/error/param").asText()).isEqualTo("stages[1].options.lr");
    assertThat(
            post(
                    "{\"model\": \"tiny\", \"rules\": [\"basil\"], \"method\": \"npo\","
                        + " \"stages\": []}",
                    400)
                .at("/error/param")
                .asText())
        .isEqualTo("stages");
    List<String> seen = watchProgress();
    String job =
        post(
                "{\"model\": \"tiny\", \"rules\": [\"basil\"], \"stages\": ["
                    + "{\"method\": \"rmu\", \"options\": {\"steps\": 1, \"batchSize\": 2,"
                    + " \"lr\": 0.001}},"
                    + " {\"method\": \"npo\", \"options\": "
                    + OPTIONS
                    + "}]}",
                202)
            .path("job")
            .asText();
    JsonNode j = finish(job);
    assertThat(j.path("method").asText()).isEqualTo("rmu+npo");
    assertThat(j.path("stages")).hasSize(2);
    assertThat(j.at("/progress/steps").asInt()).isEqualTo(3);
    assertThat(j.at("/progress/step").asInt()).isEqualTo(3);
    assertThat(j.at("/progress/stages").asInt()).isEqualTo(2);
    // live: the steps count on across the stages (1 of rmu, then 2 of npo), never restart
    assertThat(of(seen, job))
        .containsExactly(
            "running load 0/3 stage 0",
            "evaluating evaluate-before 0/3 stage 0",
            "running unlearn 0/3 stage 0",
            "running unlearn 1/3 stage 0 loss",
            "running unlearn 1/3 stage 0 loss",
            "running unlearn 2/3 stage 1 loss",
            "running unlearn 3/3 stage 1 loss",
            "evaluating evaluate-after 3/3 stage 1 loss",
            "evaluating robustness 3/3 stage 1 loss",
            "evaluating save 3/3 stage 1 loss",
            "evaluating gates 3/3 stage 1 loss",
            "refused done 3/3 stage 1 loss");
    // the probes ran because gates need them; R needs a retain model, none is configured
    assertThat(j.at("/robustness/quantization/1/bits").asInt()).isEqualTo(4);
    assertThat(j.at("/robustness/quantized_forget_rouge_delta").isNumber()).isTrue();
    assertThat(j.at("/robustness/relearning_robustness").isNull()).isTrue();
    assertThat(j.path("state").asText()).isEqualTo("refused");
    assertThat(j.path("reason").asText())
        .startsWith("gates failed: ")
        .contains("relearning robustness R could not be computed");
    assertThat(j.path("swapped").asBoolean()).isFalse();
    assertThat(checkpointServing()).isEqualTo(before);
  }
}
