package dev.lethe.unlearner.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.prompt.PromptTemplate;
import dev.lethe.unlearner.testing.TinyModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
  @TempDir static Path tmp;
  private static Checkpoint ckpt;
  private static Generator generator;
  private static long[] prompt;

  @BeforeAll
  static void load() throws Exception {
    ckpt = Checkpoint.load(TinyModels.randomCheckpoint(tmp.resolve("m"), true, 5), Device.cpu());
    generator = new Generator(ckpt.model(), ckpt.tokenizer());
    prompt =
        PromptTemplate.encodeQuestion(ckpt.tokenizer(), ckpt.model().config(), "Who wrote it?");
  }

  @AfterAll
  static void close() {
    ckpt.close();
  }

  private static GenerationRequest sampled(long seed) {
    return new GenerationRequest(prompt, 24, 1.0, 0.9, seed, List.of());
  }

  @Test
  void samplingIsDeterministicForASeed() {
    GenerationResult a = generator.generate(sampled(42));
    GenerationResult b = generator.generate(sampled(42));
    assertThat(a.completionIds()).isEqualTo(b.completionIds());
    assertThat(a.text()).isEqualTo(b.text());
    GenerationResult c = generator.generate(sampled(43));
    assertThat(c.completionIds()).isNotEqualTo(a.completionIds());
  }

  @Test
  void kvCacheGenerationEqualsFullRecompute() {
    for (GenerationRequest r : List.of(GenerationRequest.greedy(prompt, 24), sampled(7))) {
      GenerationResult cached = generator.generate(r, TextListener.NONE, () -> false, true);
      GenerationResult full = generator.generate(r, TextListener.NONE, () -> false, false);
      assertThat(cached.completionIds()).isEqualTo(full.completionIds());
    }
  }

  @Test
  void streamsDeltasThatConcatenateToTheTextWithCorrectCounts() {
    StringBuilder streamed = new StringBuilder();
    List<String> deltas = new ArrayList<>();
    GenerationResult r =
        generator.generate(
            sampled(3),
            d -> {
              deltas.add(d);
              streamed.append(d);
            },
            () -> false);
    assertThat(streamed.toString()).isEqualTo(r.text());
    assertThat(deltas).allSatisfy(d -> assertThat(d).isNotEmpty());
    assertThat(r.promptTokens()).isEqualTo(prompt.length);
    assertThat(r.completionTokens()).isEqualTo(r.completionIds().length);
    if (r.finishReason() == FinishReason.LENGTH) {
      assertThat(r.completionTokens()).isEqualTo(24);
    }
  }

  @Test
  void stopsAtAStopSequenceWithoutEmittingIt() {
    // Seeded sampling: the random tiny model's greedy answer ends after a token or two, too short
    // to hold a stop sequence, so this test once returned early and checked nothing.
    GenerationResult free = generator.generate(sampled(11));
    String text = free.text();
    // Pick a stop sequence from the middle of the free-running text.
    assertThat(text.strip()).as("free-running sampled text").hasSizeGreaterThanOrEqualTo(4);
    String stop = text.substring(text.length() / 2, text.length() / 2 + 2);
    StringBuilder streamed = new StringBuilder();
    GenerationResult r =
        generator.generate(
            new GenerationRequest(prompt, 24, 1.0, 0.9, 11, List.of(stop)),
            streamed::append,
            () -> false);
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.text()).isEqualTo(text.substring(0, text.indexOf(stop)));
    assertThat(streamed.toString()).isEqualTo(r.text()).doesNotContain(stop);
  }

  @Test
  void cancellationIsCheckedBeforeEveryToken() {
    AtomicInteger checks = new AtomicInteger();
    GenerationResult r =
        generator.generate(
            GenerationRequest.greedy(prompt, 24),
            TextListener.NONE,
            () -> checks.incrementAndGet() > 3);
    assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
    assertThat(r.completionTokens()).isEqualTo(3);
  }

  @Test
  void concurrentGenerationsMatchSequentialOnes() throws Exception {
    GenerationResult expected = generator.generate(sampled(9));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<GenerationResult>> tasks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        tasks.add(() -> generator.generate(sampled(9)));
      }
      for (Future<GenerationResult> f : pool.invokeAll(tasks)) {
        assertThat(f.get().completionIds()).isEqualTo(expected.completionIds());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void validatesRequests() {
    assertThatThrownBy(() -> new GenerationRequest(prompt, 0, 0, 1, 0, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("max_tokens: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new GenerationRequest(prompt, 5, 0, 1.5, 0, List.of()))
        .hasMessage("top_p: 1.5 (expected: 0 < top_p <= 1)");
    assertThatThrownBy(() -> generator.generate(GenerationRequest.greedy(new long[200], 5)))
        .hasMessageStartingWith("prompt: \"200 tokens\"");
    GenerationResult capped = generator.generate(GenerationRequest.greedy(new long[120], 50));
    assertThat(capped.completionTokens()).isLessThanOrEqualTo(8);
  }
}
