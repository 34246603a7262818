package dev.lethe.filters.input;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.detect.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * An input stage over the real sentence model ({@link TestModels#embedder()}) and the default
 * decision model, with no time budget, for tests that judge requests end to end as the gateway
 * does.
 */
final class RealModelStage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RealModelStage() {}

  /** A stage judging {@code rules} (prepared on {@code builder}) with {@code config}. */
  static InputStage of(DetectorIndexBuilder builder, RuleSet rules, ScopeClassifier.Config config) {
    DetectorIndexes indexes = new DetectorIndexes(builder);
    indexes.prepare(rules);
    ScopeClassifier classifier =
        new ScopeClassifier(
            new HybridDetector(TestModels.embedder()), DecisionModel.defaults(), config);
    return new InputStage(
        classifier,
        indexes,
        IculComposer.refusing(),
        new InputStage.Config(
            ScanConfig.defaults().withBudget(ScopeClassifier.Budget.UNLIMITED), "no", "[redacted]"),
        new SimpleMeterRegistry());
  }

  /** An OpenAI chat request of {@code turns}, user and assistant by turns, the user first. */
  static ObjectNode chat(String... turns) {
    ObjectNode req = JSON.createObjectNode().put("model", "m");
    ArrayNode messages = req.putArray("messages");
    for (int i = 0; i < turns.length; i++) {
      messages.addObject().put("role", i % 2 == 0 ? "user" : "assistant").put("content", turns[i]);
    }
    return req;
  }
}
