package dev.lethe.gateway.bench;

import dev.lethe.gateway.compare.HtmlReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens a compare {@code report.html} in a real headless Chromium ({@code ./bench compare-browser
 * REPORT.html [SCREENSHOT.png]}): dumps the DOM the browser built and checks that both charts
 * rendered as SVG (the scatter and the per-family bars, each with drawn shapes and text), that the
 * summary and example tables are there, and that the browser logged no script error; then takes a
 * full-page screenshot. Exit 0 when every check passes, 1 when one fails, 2 when no Chromium binary
 * is found ({@code chromium}, {@code chromium-browser}, {@code google-chrome}; Debian: {@code
 * apt-get install chromium}).
 *
 * <p>A benchmark-style check rather than a unit test, so that the normal build never depends on a
 * browser; {@code HtmlReportTest} checks the same structure in pure Java.
 */
public final class CompareReportBrowserCheck {
  private CompareReportBrowserCheck() {}

  /** Runs the check. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ./bench compare-browser REPORT.html [SCREENSHOT.png]");
      System.exit(2);
    }
    Path report = Path.of(args[0]).toAbsolutePath();
    Path shot =
        args.length > 1
            ? Path.of(args[1]).toAbsolutePath()
            : report.resolveSibling("report-screenshot.png");
    String browser = findBrowser();
    if (browser == null) {
      System.err.println(
          "compare-browser: SKIPPED: no chromium binary on PATH (chromium, chromium-browser,"
              + " google-chrome); install Debian's chromium to run this check");
      System.exit(2);
    }
    List<String> failures = new ArrayList<>();
    Result dom = run(browser, "--dump-dom", report.toUri().toString());
    String html = dom.stdout;
    count(failures, html, "<svg", 2, "inline SVG charts");
    for (String id : List.of(HtmlReport.SCATTER_ID, HtmlReport.FAMILY_ID)) {
      Matcher m =
          Pattern.compile("<svg[^>]*id=\"" + id + "\"[^>]*>(.*?)</svg>", Pattern.DOTALL)
              .matcher(html);
      if (!m.find()) {
        failures.add("chart " + id + " missing from the DOM");
        continue;
      }
      String body = m.group(1);
      if (!body.contains("<path") && !body.contains("<rect")) {
        failures.add("chart " + id + " has no drawn shapes");
      }
      if (!body.contains("<text")) {
        failures.add("chart " + id + " has no text (axes, legend)");
      }
    }
    count(failures, html, "<table id=\"summary\"", 1, "summary table");
    count(failures, html, "<table id=\"examples\"", 1, "examples table");
    for (String line : dom.stderr.split("\n")) {
      if (line.contains("Uncaught")
          || line.contains("SyntaxError")
          || line.contains("ReferenceError")) {
        failures.add("script error: " + line.strip());
      }
    }
    run(browser, "--screenshot=" + shot, "--window-size=1200,2400", report.toUri().toString());
    if (!Files.isRegularFile(shot) || Files.size(shot) < 1000) {
      failures.add("no screenshot written to " + shot);
    }
    if (failures.isEmpty()) {
      System.out.println(
          "compare-browser: OK: 2 SVG charts rendered, tables present, no script error; screenshot "
              + shot);
      return;
    }
    failures.forEach(f -> System.out.println("compare-browser: FAIL: " + f));
    System.exit(1);
  }

  private static void count(
      List<String> failures, String html, String needle, int want, String what) {
    int n = 0;
    for (int i = html.indexOf(needle); i >= 0; i = html.indexOf(needle, i + 1)) {
      n++;
    }
    if (n != want) {
      failures.add(what + ": expected " + want + " of " + needle + ", found " + n);
    }
  }

  private record Result(String stdout, String stderr) {}

  private static Result run(String browser, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(browser);
    cmd.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--enable-logging=stderr",
            "--v=0",
            "--hide-scrollbars"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("compare-browser", ".out");
    Path err = Files.createTempFile("compare-browser", ".err");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("chromium did not finish in 120 s");
      }
      return new Result(
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String findBrowser() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }
}
