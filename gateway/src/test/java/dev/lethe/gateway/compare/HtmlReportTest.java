package dev.lethe.gateway.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.probes.Family;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The HTML report's structure without a browser: self-contained (no script, no external reference),
 * the summary and example tables, and well-formed inline SVG charts with the expected ids and one
 * legend entry per arm. The headless-Chromium check is {@code CompareReportBrowserBench}.
 */
class HtmlReportTest {
  private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);

  @TempDir Path tmp;

  /** Asserts the page is self-contained and carries {@code arms} arms' rows and two charts. */
  static void assertWellFormedPage(String html, int arms) throws Exception {
    assertThat(html).startsWith("<!DOCTYPE html>");
    assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("<img");
    assertThat(html).doesNotContainPattern("(src|href)\\s*=\\s*\"(https?:)?//");
    assertThat(html).contains("<table id=\"summary\">").contains("<table id=\"examples\">");
    List<String> svgs = new ArrayList<>();
    Matcher m = SVG.matcher(html);
    while (m.find()) {
      svgs.add(m.group());
    }
    assertThat(svgs).hasSize(2);
    assertThat(svgs.get(0).startsWith("<svg id='" + HtmlReport.SCATTER_ID + "'"))
        .as("the first chart is the scatter")
        .isTrue();
    assertThat(svgs.get(1).startsWith("<svg id='" + HtmlReport.FAMILY_ID + "'"))
        .as("the second chart is the per-family bars")
        .isTrue();
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    for (String svg : svgs) {
      Document d =
          f.newDocumentBuilder()
              .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
      assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
    }
    assertThat(html.split("<tr><td class=\"t\">", -1)).hasSize(arms + 1);
  }

  static ProbeAnswer answer(Split split, String family, String answer) {
    return new ProbeAnswer(
        split + "/" + family,
        split,
        family,
        family,
        "Where was <Basil> born?",
        "He was born in Kuwait City.",
        answer,
        false,
        12.5,
        20);
  }

  @Test
  void theReportIsOnePageWithTablesAndSvgCharts() throws Exception {
    Path forget = Files.writeString(tmp.resolve("forget.json"), "{}");
    CompareOptions options =
        new CompareOptions(
            List.of(ArmKind.RAW, ArmKind.GUARD_REFUSE, ArmKind.GUARD_ICUL),
            forget,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            EnumSet.of(Family.ORIGINAL),
            1,
            1,
            1L,
            8,
            null,
            3);
    CompareMetrics metrics = new CompareMetrics();
    List<ArmResult> arms = new ArrayList<>();
    String[] says = {"He was born in Kuwait City.", "I'm sorry, but no.", "He was born in Kuwait."};
    for (int i = 0; i < 3; i++) {
      List<ProbeAnswer> a =
          List.of(
              answer(Split.FORGET, "original", says[i]),
              answer(Split.FORGET, "encoding", says[(i + 1) % 3]),
              answer(Split.RETAIN, "original", "He was born in Kuwait City."));
      arms.add(
          new ArmResult(
              options.arms().get(i), metrics.compute(a, 0.5), i == 0 ? 0 : 10 * i, 1.0, a));
    }
    CompareReport r =
        new CompareReport("lethe compare --demo", 3.0, options, 0.5, "default", 1, arms);
    String html = HtmlReport.render(r);
    assertWellFormedPage(html, 3);
    assertThat(html)
        .contains("guard:icul")
        .contains("&lt;Basil&gt;")
        .contains("class=\"ans leak\"");
    assertThat(html).contains("lethe compare --demo");
  }
}
