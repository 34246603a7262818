package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cascade's cheap path and the full path agree on the quality set's in-scope items: rules are
 * made from every other hand-written paraphrase of each TOFU author (the author's name as subject),
 * and the remaining paraphrases — many of which never name the author — are judged by the sentence
 * model alone and through the cascade with its default threshold. Every item the full path puts in
 * scope the cascade puts in scope for the same rule, and the cascade never adds one.
 */
class CascadeAgreementTest {
  @Test
  void cheapAndFullPathAgreeOnInScopeItems() throws IOException {
    Map<String, List<String>> byAuthor = new LinkedHashMap<>();
    try (InputStream in = getClass().getResourceAsStream("/bench/paraphrases.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        byAuthor.computeIfAbsent(f[0], a -> new ArrayList<>()).add(f[2]);
      }
    }
    List<ForgetRule> rules = new ArrayList<>();
    List<String[]> items = new ArrayList<>(); // rule id, text
    int n = 0;
    for (Map.Entry<String, List<String>> e : byAuthor.entrySet()) {
      String id = "author-" + n++;
      List<String> examples = new ArrayList<>();
      for (int i = 0; i < e.getValue().size(); i++) {
        if (i % 2 == 0) {
          examples.add(e.getValue().get(i));
        } else {
          items.add(new String[] {id, e.getValue().get(i)});
        }
      }
      rules.add(
          new ForgetRule(
              id,
              "Forget the author " + e.getKey(),
              List.of(e.getKey()),
              examples,
              List.of(),
              List.of(),
              Action.REFUSE,
              null,
              OnError.CLOSED));
    }
    assertThat(rules).hasSizeGreaterThanOrEqualTo(15);
    assertThat(items).hasSizeGreaterThanOrEqualTo(60);
    try (DetectorIndexBuilder builder =
            new DetectorIndexBuilder(
                TestModels.embedder(), DetectorIndexBuilder.defaultNegativePool());
        StaticEmbedding table = StaticEmbedding.load()) {
      DetectorIndex index = builder.build(new RuleSet(1, rules));
      HybridDetector detector = new HybridDetector(TestModels.embedder());
      ScopeClassifier full =
          new ScopeClassifier(detector, DecisionModel.defaults(), new ScopeClassifier.Config(0));
      ScopeClassifier cheap =
          new ScopeClassifier(
              detector,
              DecisionModel.defaults(),
              new ScopeClassifier.Config(0),
              new Cascade(table, Cascade.Config.defaults()));
      int inScope = 0;
      List<String> disagreements = new ArrayList<>();
      for (String[] item : items) {
        Classification f = full.classify(index, item[1]);
        Classification c = cheap.classify(index, item[1]);
        if (f.inScope()) {
          inScope++;
        }
        if (f.inScope() != c.inScope() || (f.inScope() && !f.ruleId().equals(c.ruleId()))) {
          disagreements.add(item[1] + " full=" + f.ruleId() + " cheap=" + c.ruleId());
        }
      }
      assertThat(disagreements).isEmpty();
      // most items are in scope, so the agreement is about something
      assertThat(inScope).isGreaterThan(items.size() / 2);
    }
  }
}
