package dev.lethe.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lethe classify TEXT}: asks a running gateway how it would judge {@code TEXT} as a
 * one-message chat request ({@code POST /admin/classify}) and prints the verdict and why. Exit
 * codes as {@code lethe rules}.
 */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    description = "Judge a text exactly as the gateway would, and say why.")
public final class ClassifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AdminConnection conn;

  @Parameters(paramLabel = "TEXT", description = "The prompt to judge.")
  String text;

  @Option(names = "--json", description = "Print the POST /admin/classify answer as is.")
  boolean json;

  @Override
  public Integer call() {
    return RulesCommand.guarded(
        spec,
        () -> {
          String body = RulesCommand.JSON.createObjectNode().put("text", text).toString();
          AdminClient.Answer a =
              conn.client(System.getenv())
                  .call("POST", "/admin/classify", body, "application/json");
          PrintWriter out = spec.commandLine().getOut();
          if (json) {
            out.println(a.body());
            return 0;
          }
          JsonNode v = RulesCommand.JSON.readTree(a.body());
          if (v.path("inScope").asBoolean()) {
            out.printf(
                "in scope of rule %s: %s (score %.3f, rules version %d)%n",
                v.path("ruleId").asText(),
                v.path("decision").asText("refuse"),
                v.path("score").asDouble(),
                v.path("version").asLong());
            JsonNode src = v.path("source");
            if (src.isObject()) {
              out.printf(
                  "  from %s %s%s: \"%s\"%n",
                  src.path("origin").asText(),
                  src.path("segment").asText(),
                  src.path("transforms").isEmpty()
                      ? ""
                      : " after " + String.join(", ", RulesCommand.strings(src.path("transforms"))),
                  RulesCommand.shorten(src.path("text").asText(), 100));
            }
          } else {
            out.printf(
                "not in scope: pass (best score %.3f, rules version %d)%n",
                v.path("score").asDouble(), v.path("version").asLong());
          }
          if (!v.path("complete").asBoolean(true)) {
            out.println("  (screening budget spent: the rules' fail modes applied)");
          }
          return 0;
        });
  }
}
