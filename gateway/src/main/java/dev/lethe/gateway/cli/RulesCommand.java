package dev.lethe.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lethe rules list|get|add|edit|rm|import|export}: forget rules of a running gateway through
 * its admin API (DESIGN.md §3.5). Exit codes: 0 success, 2 bad usage or a rule the gateway refused
 * as invalid (its reason on stderr, naming the field), 1 other failure (unreachable gateway, wrong
 * token, unknown rule).
 */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Manage the forget rules of a running gateway.",
    subcommands = {
      RulesCommand.ListRules.class,
      RulesCommand.GetRule.class,
      RulesCommand.AddRule.class,
      RulesCommand.EditRule.class,
      RulesCommand.RemoveRule.class,
      RulesCommand.ImportRules.class,
      RulesCommand.ExportRules.class
    })
public final class RulesCommand implements Runnable {
  static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs {@code body}, mapping failures to one line on stderr and an exit code. */
  static int guarded(CommandSpec spec, AdminCall body) {
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.qualifiedName();
    try {
      return body.run();
    } catch (AdminConnection.UsageException e) {
      err.println(name + ": " + e.getMessage());
      return 2;
    } catch (AdminClient.CallFailed e) {
      err.println(name + ": " + e.getMessage());
      return e.exitCode;
    } catch (IOException e) {
      err.println(name + ": " + e.getMessage());
      return 1;
    }
  }

  /** A command body that may fail in the ways {@link #guarded} maps. */
  @FunctionalInterface
  interface AdminCall {
    int run() throws AdminConnection.UsageException, AdminClient.CallFailed, IOException;
  }

  /** Reads a file, or standard input for {@code -}. */
  static String readInput(Path file) throws IOException {
    if (file.toString().equals("-")) {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": not a readable file");
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** The fields of a rule given as flags ({@code add} and {@code edit}). */
  static final class RuleFlags {
    @Option(names = "--file", paramLabel = "FILE", description = "The rule as JSON (- = stdin).")
    Path file;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the rule forgets.")
    String description;

    @Option(
        names = "--subject",
        paramLabel = "NAME",
        description = "A name or alias to forget (repeatable; replaces the list on edit).")
    List<String> subjects;

    @Option(
        names = "--example",
        paramLabel = "PROMPT",
        description = "An in-scope prompt (repeatable; replaces the list on edit).")
    List<String> examples;

    @Option(
        names = "--counter-example",
        paramLabel = "PROMPT",
        description = "A near miss that stays in scope of nothing (repeatable).")
    List<String> counterExamples;

    @Option(
        names = "--secret",
        paramLabel = "TEXT",
        description = "A string that must never reach a client (repeatable).")
    List<String> secrets;

    @Option(names = "--action", paramLabel = "ACTION", description = "refuse, redact or icul.")
    String action;

    @Option(names = "--refusal", paramLabel = "TEXT", description = "The refusal text.")
    String refusal;

    @Option(names = "--on-error", paramLabel = "MODE", description = "closed or open.")
    String onError;

    boolean anyField() {
      return description != null
          || subjects != null
          || examples != null
          || counterExamples != null
          || secrets != null
          || action != null
          || refusal != null
          || onError != null;
    }

    /** Overlays the flags given on {@code rule}: scalars replace, lists replace. */
    ObjectNode applyTo(ObjectNode rule) {
      if (description != null) {
        rule.put("description", description);
      }
      list(rule, "subjects", subjects);
      list(rule, "examples", examples);
      list(rule, "counterExamples", counterExamples);
      list(rule, "secrets", secrets);
      if (action != null) {
        rule.put("action", action);
      }
      if (refusal != null) {
        rule.put("refusal", refusal);
      }
      if (onError != null) {
        rule.put("onError", onError);
      }
      return rule;
    }

    private static void list(ObjectNode rule, String field, List<String> values) {
      if (values != null) {
        ArrayNode a = rule.putArray(field);
        values.forEach(a::add);
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the rules (id, action, subjects, description).")
  static final class ListRules implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminConnection conn;

    @Option(names = "--json", description = "Print the GET /admin/rules body as is.")
    boolean json;

    @Override
    public Integer call() {
      return guarded(
          spec,
          () -> {
            AdminClient.Answer a =
                conn.client(System.getenv()).call("GET", "/admin/rules", null, null);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
              out.println(a.body());
              return 0;
            }
            JsonNode root = JSON.readTree(a.body());
            out.printf(
                "%d rules, version %d%n", root.path("rules").size(), root.path("version").asLong());
            for (JsonNode r : root.path("rules")) {
              out.printf(
                  "%-24s %-7s %-32s %s%n",
                  r.path("id").asText(),
                  r.path("action").asText("refuse"),
                  shorten(String.join(", ", strings(r.path("subjects"))), 32),
                  shorten(r.path("description").asText(""), 60));
            }
            return 0;
          });
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Print one rule as JSON.")
  static final class GetRule implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminConnection conn;

    @Parameters(paramLabel = "ID", description = "The rule's id.")
    String id;

    @Override
    public Integer call() {
      return guarded(
          spec,
          () -> {
            AdminClient.Answer a =
                conn.client(System.getenv())
                    .call("GET", "/admin/rules/" + AdminClient.segment(id), null, null);
            spec.commandLine().getOut().println(pretty(a.body()));
            return 0;
          });
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Add a rule, from --file or from flags; prints its id and the rule-set version.",
        "Example: lethe rules add --id basil --subject \"Basil Mahfouz Al-Kuwaiti\" --action refuse"
      })
  static final class AddRule implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminConnection conn;
    @Mixin RuleFlags flags;

    @Option(names = "--id", paramLabel = "ID", description = "The rule's id (generated if absent).")
    String id;

    @Override
    public Integer call() {
      return guarded(
          spec,
          () -> {
            ObjectNode rule;
            if (flags.file != null) {
              rule = parseRule(readInput(flags.file));
            } else if (flags.anyField()) {
              rule = JSON.createObjectNode();
            } else {
              throw new AdminConnection.UsageException(
                  "give the rule with --file FILE or with flags such as --subject NAME");
            }
            if (id != null) {
              rule.put("id", id);
            }
            flags.applyTo(rule);
            AdminClient.Answer a =
                conn.client(System.getenv())
                    .call("POST", "/admin/rules", rule.toString(), "application/json");
            JsonNode w = JSON.readTree(a.body());
            spec.commandLine()
                .getOut()
                .printf(
                    "added %s (version %d)%n", w.path("id").asText(), w.path("version").asLong());
            return 0;
          });
    }
  }

  @Command(
      name = "edit",
      mixinStandardHelpOptions = true,
      description = {
        "Replace a rule with --file, or change the fields given as flags (lists are replaced).",
        "Example: lethe rules edit basil --action redact"
      })
  static final class EditRule implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminConnection conn;
    @Mixin RuleFlags flags;

    @Parameters(paramLabel = "ID", description = "The rule's id.")
    String id;

    @Override
    public Integer call() {
      return guarded(
          spec,
          () -> {
            AdminClient client = conn.client(System.getenv());
            String path = "/admin/rules/" + AdminClient.segment(id);
            ObjectNode rule;
            if (flags.file != null) {
              rule = parseRule(readInput(flags.file));
            } else if (flags.anyField()) {
              rule = parseRule(client.call("GET", path, null, null).body());
            } else {
              throw new AdminConnection.UsageException(
                  "nothing to change: give --file FILE or flags such as --action redact");
            }
            rule.remove("id");
            flags.applyTo(rule);
            AdminClient.Answer a = client.call("PUT", path, rule.toString(), "application/json");
            JsonNode w = JSON.readTree(a.body());
            spec.commandLine()
                .getOut()
                .printf(
                    "edited %s (version %d)%n", w.path("id").asText(), w.path("version").asLong());
            return 0;
          });
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a rule.")
  static final class RemoveRule implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminConnection conn;

    @Parameters(paramLabel = "ID", description = "The rule's id.")
    String id;

    @Override
    public Integer call() {
      return guarded(
          spec,
          () -> {
            AdminClient.Answer a =
                conn.client(System.getenv())
                    .call("DELETE", "/admin/rules/" + AdminClient.segment(id), null, null);
            spec.commandLine()
                .getOut()
                .printf(
                    "removed %s (version %d)%n",
                    id, JSON.readTree(a.body()).path("version").asLong());
            return 0;
          });
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = "Import rules from JSON Lines (one rule per line), all or nothing.")
  static final class ImportRules implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminConnection conn;

    @Parameters(paramLabel = "FILE", description = "JSON Lines file (- = stdin).")
    Path file;

    @Option(
        names = "--mode",
        paramLabel = "MODE",
        description =
            "merge (default: add or replace by id) or replace (the file becomes the set).",
        defaultValue = "merge")
    String mode;

    @Override
    public Integer call() {
      return guarded(
          spec,
          () -> {
            if (!mode.equals("merge") && !mode.equals("replace")) {
              throw new AdminConnection.UsageException(
                  "--mode: \"" + mode + "\" (expected: merge or replace)");
            }
            String lines = readInput(file);
            AdminClient.Answer a =
                conn.client(System.getenv())
                    .call(
                        "POST", "/admin/rules:import?mode=" + mode, lines, "application/x-ndjson");
            JsonNode w = JSON.readTree(a.body());
            spec.commandLine()
                .getOut()
                .printf(
                    "imported %d rules (version %d)%n",
                    w.path("imported").asInt(), w.path("version").asLong());
            return 0;
          });
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Export every rule as JSON Lines (to stdout, or --out FILE).")
  static final class ExportRules implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminConnection conn;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of stdout.")
    Path out;

    @Override
    public Integer call() {
      return guarded(
          spec,
          () -> {
            AdminClient.Answer a =
                conn.client(System.getenv()).call("GET", "/admin/rules:export", null, null);
            if (out == null) {
              spec.commandLine().getOut().print(a.body());
              spec.commandLine().getOut().flush();
            } else {
              Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
              Files.writeString(tmp, a.body(), StandardCharsets.UTF_8);
              Files.move(
                  tmp,
                  out,
                  java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                  java.nio.file.StandardCopyOption.ATOMIC_MOVE);
              spec.commandLine()
                  .getErr()
                  .printf(
                      "exported %d rules (version %s) to %s%n",
                      a.body().lines().filter(l -> !l.isBlank()).count(), a.exportVersion(), out);
            }
            return 0;
          });
    }
  }

  static ObjectNode parseRule(String text) throws AdminConnection.UsageException {
    try {
      JsonNode n = JSON.readTree(text);
      if (n instanceof ObjectNode o) {
        return o;
      }
    } catch (IOException e) {
      throw new AdminConnection.UsageException(
          "the rule is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    throw new AdminConnection.UsageException("the rule must be a JSON object");
  }

  static String pretty(String json) throws IOException {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
  }

  static List<String> strings(JsonNode array) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /** For tests: the command line of this command alone. */
  static CommandLine commandLine() {
    return new CommandLine(new RulesCommand());
  }
}
