package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * {@code report.html}: one self-contained page, no external assets, no script: the summary table
 * (arms × metrics), a leak-vs-utility scatter, per-family leak bar charts (white-box families
 * included), the white-box attacks' table when they ran, example probes with every arm's answer,
 * and the configuration.
 *
 * <p>Charts are drawn with JFreeChart (a maintained Java charting library on Maven Central) onto
 * JFreeSVG's {@code SVGGraphics2D}, so the page carries inline {@code <svg>} elements rendered on
 * the server: it opens offline in any browser, needs no JavaScript, and the same code runs in the
 * CLI and the admin job. AWT runs headless.
 */
public final class HtmlReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The SVG ids of the charts: the scatter, then one bar chart of leak rate by family. */
  public static final String SCATTER_ID = "chart-leak-utility";

  /** The id of the per-family bar chart. */
  public static final String FAMILY_ID = "chart-leak-by-family";

  private HtmlReport() {}

  /** Writes {@code report.html} into {@code dir} atomically and returns its path. */
  public static Path write(CompareReport r, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path out = dir.resolve("report.html");
    Path tmp = dir.resolve("report.html.tmp");
    Files.writeString(tmp, render(r));
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return out;
  }

  /** The page. */
  public static String render(CompareReport r) {
    requireNonNull(r, "r");
    System.setProperty("java.awt.headless", "true");
    ObjectNode tree = ReportJson.toTree(r);
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Lethe compare report</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #bbb;padding:4px 8px;text-align:right;vertical-align:top}")
        .append("td.t,th.t{text-align:left}pre{background:#f4f4f4;padding:1em;overflow:auto}")
        .append(".ans{max-width:260px;text-align:left;font-size:90%}.leak{background:#fde2e2}")
        .append("</style></head><body>\n");
    h.append("<h1>Lethe compare</h1>\n<p><code>")
        .append(esc(r.command()))
        .append("</code><br>")
        .append(String.format(Locale.ROOT, "%.1f s", r.seconds()))
        .append(", leak threshold ")
        .append(fmt(r.leakThreshold()))
        .append(" (")
        .append(esc(r.thresholdSource()))
        .append("): a forget probe leaks when the ROUGE-L recall of its answer against the true")
        .append(" answer is above it.</p>\n");
    summary(h, r);
    if (r.unlearning() != null) {
      WeightsRun w = r.unlearning();
      h.append("<p>Weights arms: checkpoint made in this run by <code>lethe unlearn ")
          .append(esc(w.recipe().flags()))
          .append("</code> on the target: ")
          .append(w.steps())
          .append(" steps, ")
          .append(String.format(Locale.ROOT, "%.1f s", w.seconds()))
          .append(", peak resident memory ")
          .append(
              w.peakRssBytes() < 0
                  ? "unknown"
                  : String.format(Locale.ROOT, "%.0f MiB", w.peakRssBytes() / 1048576.0))
          .append(w.peakRssScope().equals("unlearning") ? "" : " (whole process)")
          .append("; ")
          .append(w.forgetPairs())
          .append(" forget pairs; retain term: ")
          .append(esc(w.retainSource()))
          .append(".</p>\n");
    }
    h.append("<h2>Leak rate vs utility</h2>\n").append(svg(scatter(r), SCATTER_ID, 720, 420));
    h.append("<h2>Leak rate by probe family</h2>\n").append(svg(byFamily(r), FAMILY_ID, 960, 440));
    whiteBox(h, tree);
    examples(h, tree.path("examples"), r);
    h.append("<h2>Configuration</h2>\n<pre>")
        .append(esc(pretty(tree.path("config"))))
        .append("\n")
        .append(esc(pretty(tree.path("versions"))))
        .append("</pre>\n</body></html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, CompareReport r) {
    h.append("<h2>Summary</h2>\n<table id=\"summary\"><tr><th class=\"t\">arm</th>")
        .append("<th>leak rate</th><th>false refusals</th><th>utility</th>")
        .append("<th>forget ROUGE-L</th><th>truth ratio</th><th>forget quality</th>")
        .append("<th>model utility</th><th>p50 ms</th><th>p99 ms</th><th>tokens added</th>")
        .append("<th>probes</th><th>seconds</th></tr>\n");
    for (ArmResult a : r.arms()) {
      ArmMetrics m = a.metrics();
      h.append("<tr><td class=\"t\">")
          .append(esc(a.arm().wireName()))
          .append("</td><td>")
          .append(fmt(m.leakRate()))
          .append("</td><td>")
          .append(fmt(m.falseRefusalRate()))
          .append("</td><td>")
          .append(fmt(m.utility()))
          .append("</td><td>")
          .append(fmt(m.forgetRouge()))
          .append("</td>");
      WhiteBoxEval e = a.whiteBoxEval();
      if (e == null) {
        h.append("<td>–</td><td>–</td><td>–</td>");
      } else {
        String shared =
            e.sharedWith() == null ? "" : " title=\"the weights of " + esc(e.sharedWith()) + "\"";
        h.append("<td")
            .append(shared)
            .append('>')
            .append(fmtOrNa(e.truthRatio()))
            .append("</td><td")
            .append(shared)
            .append('>')
            .append(e.forgetQuality() == null ? "n/a" : fmtP(e.forgetQuality()))
            .append(e.reference().equals("self") ? " (ref.)" : "")
            .append("</td><td")
            .append(shared)
            .append('>')
            .append(fmtOrNa(e.modelUtility()))
            .append("</td>");
      }
      h.append("<td>")
          .append(fmt0(m.latencyP50()))
          .append("</td><td>")
          .append(fmt0(m.latencyP99()))
          .append("</td><td>")
          .append(
              Double.isFinite(a.tokensAdded())
                  ? String.format(Locale.ROOT, "%+.0f (%d)", a.tokensAdded(), a.tokensAddedN())
                  : "–")
          .append("</td><td>")
          .append(m.forgetN() + m.retainN())
          .append("</td><td>")
          .append(fmt0(a.seconds()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n<p>Truth ratio, forget quality and model utility: the arm's weights under")
        .append(" TOFU's evaluation (<code>lethe eval</code>'s code) on the forget and utility")
        .append(" questions asked here; forget quality is the KS p-value against the gold arm's")
        .append(" truth ratios (n/a without a gold arm); – for arms without local weights of")
        .append(" their own to evaluate. Tokens added: mean prompt tokens the guard added to the")
        .append(" requests it forwarded, over <code>raw</code> (count in brackets).</p>\n");
  }

  private static String fmtOrNa(Double v) {
    return v == null ? "n/a" : fmt(v);
  }

  /** A p-value: 3 decimals, or scientific notation below 0.001. */
  private static String fmtP(double v) {
    return v >= 0.001 || v == 0 ? fmt(v) : String.format(Locale.ROOT, "%.1e", v);
  }

  private static JFreeChart scatter(CompareReport r) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (ArmResult a : r.arms()) {
      XYSeries s = new XYSeries(a.arm().wireName());
      double u = a.metrics().utility();
      double l = a.metrics().leakRate();
      if (Double.isFinite(u) && Double.isFinite(l)) {
        s.add(u, l);
      }
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createScatterPlot(
            null,
            "utility (ROUGE-L recall, higher is better)",
            "leak rate (lower is better)",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    plot.getDomainAxis().setRange(0, 1.05);
    plot.getRangeAxis().setRange(0, 1.05);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static JFreeChart byFamily(CompareReport r) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    Set<String> families = new LinkedHashSet<>();
    for (ArmResult a : r.arms()) {
      families.addAll(a.metrics().byFamily().keySet());
    }
    for (ArmResult a : r.arms()) {
      Map<String, ArmMetrics.FamilyLeak> fl = a.metrics().byFamily();
      for (String f : families) {
        ArmMetrics.FamilyLeak v = fl.get(f);
        data.addValue(
            v == null || !Double.isFinite(v.leakRate()) ? null : v.leakRate(),
            a.arm().wireName(),
            f);
      }
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            null, "probe family", "leak rate", data, PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getRangeAxis().setRange(0, 1.05);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static String svg(JFreeChart chart, String id, int w, int h) {
    SVGGraphics2D g = new SVGGraphics2D(w, h);
    chart.draw(g, new Rectangle(0, 0, w, h));
    return g.getSVGElement(id) + "\n";
  }

  /** The white-box attacks' table, when any ran. */
  private static void whiteBox(StringBuilder h, JsonNode tree) {
    StringBuilder rows = new StringBuilder();
    for (JsonNode arm : tree.path("arms")) {
      for (Iterator<Map.Entry<String, JsonNode>> it = arm.path("white_box").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode w = e.getValue();
        String what =
            w.has("bits")
                ? w.path("bits").asInt() + "-bit round to nearest"
                : String.format(
                    Locale.ROOT,
                    "%d steps on %d forget questions, %d others held out",
                    w.path("steps").asInt(),
                    w.path("relearn_questions").asInt(),
                    w.path("held_out_questions").asInt());
        rows.append("<tr class=\"wb\"><td class=\"t\">")
            .append(esc(arm.path("name").asText()))
            .append("</td><td class=\"t\">")
            .append(esc(e.getKey()))
            .append("</td><td class=\"t\">")
            .append(esc(what))
            .append("</td><td>")
            .append(w.path("n").asInt())
            .append("</td><td>")
            .append(fmt(num(w.path("leak_rate_before"))))
            .append("</td><td>")
            .append(fmt(num(w.path("leak_rate"))))
            .append("</td><td>")
            .append(fmt(num(w.path("forget_rouge_before"))))
            .append("</td><td>")
            .append(fmt(num(w.path("forget_rouge"))))
            .append("</td></tr>\n");
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    h.append("<h2>White-box attacks on the weights</h2>\n")
        .append(
            "<p>The arm's checkpoint attacked, then served as the arm and asked the bare forget")
        .append(" questions (relearning: only those it was not fine-tuned on). Not part of the")
        .append(" summary's leak rate.</p>\n<table id=\"white-box\"><tr><th class=\"t\">arm</th>")
        .append("<th class=\"t\">family</th><th class=\"t\">attack</th><th>probes</th>")
        .append("<th>leak rate before</th><th>leak rate after</th><th>forget ROUGE-L before</th>")
        .append("<th>forget ROUGE-L after</th></tr>\n")
        .append(rows)
        .append("</table>\n");
  }

  private static double num(JsonNode n) {
    return n.isNumber() ? n.asDouble() : Double.NaN;
  }

  private static void examples(StringBuilder h, JsonNode examples, CompareReport r) {
    h.append("<h2>Example probes</h2>\n<table id=\"examples\"><tr><th class=\"t\">probe</th>")
        .append("<th class=\"t\">true answer</th>");
    List<String> arms = new ArrayList<>();
    for (ArmResult a : r.arms()) {
      arms.add(a.arm().wireName());
      h.append("<th class=\"t\">").append(esc(a.arm().wireName())).append("</th>");
    }
    h.append("</tr>\n");
    for (JsonNode e : examples) {
      h.append("<tr><td class=\"ans\"><b>")
          .append(esc(e.path("family").asText()))
          .append("/")
          .append(esc(e.path("variant").asText()))
          .append("</b> (")
          .append(esc(e.path("split").asText()))
          .append(")<br>")
          .append(esc(clip(e.path("prompt").asText(), 400)))
          .append("</td><td class=\"ans\">")
          .append(esc(e.path("truth").asText()))
          .append("</td>");
      boolean forget = e.path("split").asText().equals(Split.FORGET.key());
      for (String arm : arms) {
        JsonNode a = e.path("answers").path(arm);
        boolean leak = forget && a.path("rouge_l_recall").asDouble() > r.leakThreshold();
        h.append("<td class=\"ans")
            .append(leak ? " leak" : "")
            .append("\">")
            .append(esc(clip(a.path("answer").asText(), 400)))
            .append("<br><small>ROUGE-L ")
            .append(fmt(a.path("rouge_l_recall").asDouble()))
            .append(a.path("refused").asBoolean() ? ", refused" : "")
            .append("</small></td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n<p><small>Shaded: counted as a leak.</small></p>\n");
  }

  private static String pretty(JsonNode n) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (IOException e) {
      return n.toString();
    }
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "–";
  }

  private static String fmt0(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f", v) : "–";
  }

  /** HTML-escaped text. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (Iterator<Integer> it = s.codePoints().iterator(); it.hasNext(); ) {
      int c = it.next();
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.appendCodePoint(c);
      }
    }
    return b.toString();
  }
}
