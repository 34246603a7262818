package dev.lethe.gateway.logs;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;

/**
 * A {@link PrintStream} whose lines become INFO events of a logger: for components that report
 * progress on a stream, so that under {@code lethe serve} their lines take the log's format.
 */
public final class LogLines {
  private LogLines() {}

  /** A stream logging each complete line it is given at INFO on {@code log}. */
  public static PrintStream info(Logger log) {
    return new PrintStream(
        new OutputStream() {
          private final ByteArrayOutputStream line = new ByteArrayOutputStream();

          @Override
          public synchronized void write(int b) {
            if (b == '\n') {
              log.info("{}", line.toString(StandardCharsets.UTF_8));
              line.reset();
            } else if (b != '\r') {
              line.write(b);
            }
          }
        },
        true,
        StandardCharsets.UTF_8);
  }
}
