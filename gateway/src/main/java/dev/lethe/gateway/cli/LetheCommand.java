package dev.lethe.gateway.cli;

import dev.lethe.gateway.logs.LogFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lethe} command. */
@Command(
    name = "lethe",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Makes LLMs forget on request.",
    subcommands = {
      ServeCommand.class,
      TrainCommand.class,
      UnlearnCommand.class,
      EvalCommand.class,
      CompareCommand.class,
      RulesCommand.class,
      ClassifyCommand.class,
      AuditCommand.class
    })
public final class LetheCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Entry point. */
  public static void main(String[] args) {
    // Lucene and other libraries log through java.util.logging: route it to SLF4J so every line
    // has one format.
    LogFormat.routeJul();
    System.exit(commandLine().execute(args));
  }

  /** The configured command line: usage errors exit with 2, failures with 1. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new LetheCommand());
    cl.setExitCodeExceptionMapper(e -> 1);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println("lethe: " + ex.getMessage());
          ex.getCommandLine()
              .getErr()
              .println(
                  "Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return 2;
        });
    return cl;
  }
}
