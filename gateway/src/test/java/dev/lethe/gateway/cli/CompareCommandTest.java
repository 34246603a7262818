package dev.lethe.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.ConfigException;
import dev.lethe.gateway.backend.local.DemoModel;
import dev.lethe.gateway.compare.ArmKind;
import dev.lethe.gateway.compare.CompareOptions;
import dev.lethe.gateway.compare.WeightsRecipe;
import dev.lethe.gateway.testing.TinyCheckpoints;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code lethe compare} makes of its flags, without running a compare. */
class CompareCommandTest {
  @TempDir Path tmp;

  CompareOptions options(String... args) throws Exception {
    Path forget =
        Files.writeString(
            tmp.resolve("forget.json"), "{\"question\":\"Who is A?\",\"answer\":\"A is A.\"}\n");
    CompareCommand c =
        new CompareCommand(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--forget";
    all[args.length + 1] = forget.toString();
    all[args.length + 2] = "--out";
    all[args.length + 3] = tmp.resolve("out").toString();
    new CommandLine(c).parseArgs(all);
    return c.options();
  }

  @Test
  void theDemoRunsTheTargetArmsAndTheWeightsArmsWithWeightsMadeInTheRun() throws Exception {
    CompareOptions o = options("--demo");
    assertThat(o.arms().subList(0, 5))
        .containsExactly(
            ArmKind.RAW,
            ArmKind.GUARD_REFUSE,
            ArmKind.GUARD_ICUL,
            ArmKind.WEIGHTS,
            ArmKind.WEIGHTS_GUARD);
    assertThat(o.unlearn()).isEqualTo(WeightsRecipe.DEMO);
    assertThat(o.unlearnsInRun()).isTrue();
    assertThat(o.weights()).isNull();
    assertThat(o.limit()).isEqualTo(CompareCommand.DEMO_LIMIT);
    assertThat(o.target()).isNull();
    // gold: the shipped retain model when this build has one, else only with --gold
    if (DemoModel.RETAIN.isShipped()) {
      assertThat(o.arms()).hasSize(6).endsWith(ArmKind.GOLD);
      assertThat(o.gold()).endsWith(Path.of("models", "lethe-demo-retain"));
      assertThat(o.gold().resolve("model.safetensors")).isRegularFile();
    } else {
      assertThat(o.arms()).hasSize(5);
      assertThat(o.gold()).isNull();
    }
    Path gold = Files.createDirectories(tmp.resolve("gold"));
    CompareOptions withGold = options("--demo", "--gold", gold.toString());
    assertThat(withGold.arms()).hasSize(6).endsWith(ArmKind.GOLD);
    assertThat(withGold.gold()).isEqualTo(gold);
  }

  @Test
  void aGivenCheckpointReplacesTheInRunUnlearningAndALimitTheDefault() throws Exception {
    Path weights = Files.createDirectories(tmp.resolve("w"));
    CompareOptions o = options("--demo", "--weights", weights.toString(), "--limit", "3");
    assertThat(o.unlearn()).isNull();
    assertThat(o.weights()).isEqualTo(weights);
    assertThat(o.limit()).isEqualTo(3);
    assertThat(options("--arms", "raw").limit()).isEqualTo(CompareCommand.DEFAULT_LIMIT);
    assertThat(options("--arms", "raw").unlearn()).isNull();
  }

  @Test
  void theDemoRecipeIsTheDocumentedCommand() {
    assertThat(WeightsRecipe.DEMO.flags())
        .isEqualTo("--method npo --retain-loss kl --alpha 2.25 --lr 0.0005 --epochs 2 --seed 42");
  }

  @Test
  void theRecipeFlagsBuildTheAdminApisRecipe() throws Exception {
    Path target = TinyCheckpoints.random(tmp.resolve("tiny"), 3, 512);
    CompareOptions one =
        options(
            "--arms",
            "raw,weights",
            "--target",
            target.toString(),
            "--unlearn-method",
            "npo",
            "--unlearn-set",
            "lr=0.001",
            "--unlearn-set",
            "retainLoss=kl");
    assertThat(one.unlearn())
        .isEqualTo(
            WeightsRecipe.parse(
                new ObjectMapper()
                    .readTree(
                        "{\"method\":\"npo\",\"options\":{\"lr\":0.001,\"retainLoss\":\"kl\"}}"),
                "unlearn"));
    CompareOptions two =
        options(
            "--arms",
            "weights",
            "--target",
            target.toString(),
            "--unlearn-method",
            "rmu,npo",
            "--unlearn-set",
            "seed=3",
            "--unlearn-set",
            "npo.lr=0.002",
            "--unlearn-set",
            "1.steps=2");
    assertThat(two.unlearn().flags())
        .isEqualTo(
            "--stages rmu,npo --set 1.seed=3 --set 1.steps=2 --set 2.seed=3 --set 2.lr=0.002");
    // errors name the recipe's field as the admin API does
    assertThatThrownBy(
            () ->
                options(
                    "--arms",
                    "weights",
                    "--target",
                    target.toString(),
                    "--unlearn-method",
                    "npo",
                    "--unlearn-set",
                    "lr=-1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unlearn.options.lr: ");
    assertThatThrownBy(() -> options("--arms", "weights", "--unlearn-set", "lr=1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--unlearn-set");
    assertThatThrownBy(
            () ->
                options(
                    "--arms", "weights", "--unlearn-method", "rmu,npo", "--unlearn-set", "3.lr=1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("STAGE.OPTION=VALUE");
  }
}
