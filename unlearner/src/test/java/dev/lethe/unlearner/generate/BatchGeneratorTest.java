package dev.lethe.unlearner.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.prompt.PromptTemplate;
import dev.lethe.unlearner.testing.TinyModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchGeneratorTest {
  private static final List<String> QUESTIONS =
      List.of(
          "Who?",
          "Who wrote it?",
          "Where was the author born?",
          "Who wrote the book, and where was the author of the book born?",
          "Question: where?");

  @TempDir static Path tmp;
  private static Checkpoint ckpt;
  private static Generator reference;

  @BeforeAll
  static void load() throws Exception {
    ckpt = Checkpoint.load(TinyModels.randomCheckpoint(tmp.resolve("m"), true, 5), Device.cpu());
    reference = new Generator(ckpt.model(), ckpt.tokenizer());
  }

  @AfterAll
  static void close() {
    ckpt.close();
  }

  private static long[] prompt(int i) {
    return PromptTemplate.encodeQuestion(
        ckpt.tokenizer(), ckpt.model().config(), QUESTIONS.get(i % QUESTIONS.size()));
  }

  private static BatchGenerator batcher(int maxBatch, int queue) {
    return new BatchGenerator(ckpt.model(), ckpt.tokenizer(), maxBatch, queue, "test-batch");
  }

  private static GenerationResult get(CompletableFuture<GenerationResult> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }

  @Test
  void greedyAndSeededOutputsEqualTheOneAtATimeGeneratorsWhateverTheCompany() throws Exception {
    List<GenerationRequest> requests = new ArrayList<>();
    for (int i = 0; i < QUESTIONS.size(); i++) {
      requests.add(GenerationRequest.greedy(prompt(i), 20 + 7 * i));
      requests.add(new GenerationRequest(prompt(i), 30, 1.0, 0.9, 100 + i, List.of()));
    }
    try (BatchGenerator b = batcher(16, 0)) {
      List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
      List<StringBuilder> streamed = new ArrayList<>();
      for (GenerationRequest r : requests) {
        StringBuilder s = new StringBuilder();
        streamed.add(s);
        futures.add(b.submit(r, s::append, () -> false));
      }
      for (int i = 0; i < requests.size(); i++) {
        GenerationResult batched = get(futures.get(i));
        GenerationResult alone = reference.generate(requests.get(i));
        assertThat(batched.completionIds()).as("request %d", i).isEqualTo(alone.completionIds());
        assertThat(batched.text()).isEqualTo(alone.text());
        assertThat(batched.finishReason()).isEqualTo(alone.finishReason());
        assertThat(batched.promptTokens()).isEqualTo(alone.promptTokens());
        assertThat(streamed.get(i).toString()).isEqualTo(alone.text());
      }
      // They really shared passes: fewer steps than tokens generated.
      long tokens = 0;
      for (CompletableFuture<GenerationResult> f : futures) {
        tokens += f.get().completionTokens();
      }
      assertThat(b.steps()).isLessThan(tokens / 2);
    }
  }

  @Test
  void eachSequenceStopsAtItsOwnStopSequenceInsideTheBatch() throws Exception {
    List<GenerationRequest> requests = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      // A stop string taken from the middle of what the request generates alone.
      String text = reference.generate(GenerationRequest.greedy(prompt(i), 30)).text();
      String stop =
          text.length() >= 8 ? text.substring(text.length() / 2, text.length() / 2 + 3) : "~~~";
      requests.add(new GenerationRequest(prompt(i), 30, 0, 1, 0, List.of(stop)));
    }
    try (BatchGenerator b = batcher(8, 0)) {
      List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
      List<StringBuilder> streamed = new ArrayList<>();
      for (GenerationRequest r : requests) {
        StringBuilder s = new StringBuilder();
        streamed.add(s);
        futures.add(b.submit(r, s::append, () -> false));
      }
      int stopped = 0;
      for (int i = 0; i < requests.size(); i++) {
        GenerationResult batched = get(futures.get(i));
        GenerationResult alone = reference.generate(requests.get(i));
        assertThat(batched.completionIds()).isEqualTo(alone.completionIds());
        assertThat(batched.text()).isEqualTo(alone.text()).doesNotContain(requests.get(i).stop());
        assertThat(batched.finishReason()).isEqualTo(alone.finishReason());
        assertThat(streamed.get(i).toString()).isEqualTo(alone.text());
        stopped += batched.finishReason() == FinishReason.STOP ? 1 : 0;
      }
      assertThat(stopped).isGreaterThan(0);
    }
  }

  @Test
  void aSequenceJoinsMidBatchAndAnotherLeavesEarly() throws Exception {
    GenerationRequest longOne = GenerationRequest.greedy(prompt(3), 60);
    GenerationRequest shortOne = GenerationRequest.greedy(prompt(1), 3);
    GenerationRequest late = GenerationRequest.greedy(prompt(0), 12);
    try (BatchGenerator b = batcher(4, 4)) {
      CompletableFuture<GenerationResult> a = b.submit(longOne, TextListener.NONE, () -> false);
      CompletableFuture<GenerationResult> s = b.submit(shortOne, TextListener.NONE, () -> false);
      get(s);
      AtomicBoolean joinedWhileRunning = new AtomicBoolean();
      CompletableFuture<GenerationResult> c =
          b.submit(
              new BatchGenerator.Sequence() {
                @Override
                public GenerationRequest request() {
                  return late;
                }

                @Override
                public void onStart(GenerationRequest r) {
                  joinedWhileRunning.set(!a.isDone());
                }

                @Override
                public void onText(String delta) {}
              });
      assertThat(get(s).completionTokens()).isEqualTo(3);
      assertThat(get(s).completionIds()).isEqualTo(reference.generate(shortOne).completionIds());
      assertThat(get(c).completionIds()).isEqualTo(reference.generate(late).completionIds());
      assertThat(get(a).completionIds()).isEqualTo(reference.generate(longOne).completionIds());
      assertThat(joinedWhileRunning).isTrue();
    }
  }

  @Test
  void aCancelledSequenceLeavesAndTheOthersAreUnaffected() throws Exception {
    GenerationRequest other = GenerationRequest.greedy(prompt(2), 40);
    AtomicInteger deltas = new AtomicInteger();
    AtomicBoolean cancel = new AtomicBoolean();
    try (BatchGenerator b = batcher(4, 4)) {
      CompletableFuture<GenerationResult> o = b.submit(other, TextListener.NONE, () -> false);
      CompletableFuture<GenerationResult> c =
          b.submit(
              GenerationRequest.greedy(prompt(4), 60),
              d -> {
                if (deltas.incrementAndGet() == 2) {
                  cancel.set(true);
                }
              },
              cancel::get);
      GenerationResult cancelled = get(c);
      assertThat(cancelled.finishReason()).isEqualTo(FinishReason.CANCELLED);
      assertThat(cancelled.completionTokens()).isLessThan(60);
      assertThat(get(o).completionIds()).isEqualTo(reference.generate(other).completionIds());
      // Cancelled before admission: never starts.
      AtomicBoolean started = new AtomicBoolean();
      GenerationResult never =
          get(
              b.submit(
                  new BatchGenerator.Sequence() {
                    @Override
                    public GenerationRequest request() {
                      started.set(true);
                      return other;
                    }

                    @Override
                    public boolean cancelled() {
                      return true;
                    }

                    @Override
                    public void onText(String delta) {}
                  }));
      assertThat(never.finishReason()).isEqualTo(FinishReason.CANCELLED);
      assertThat(started).isFalse();
    }
  }

  @Test
  void aFullBatchAndQueueRefuseAtOnceAndContinuationsBypassTheBound() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    try (BatchGenerator b = batcher(1, 1)) {
      CompletableFuture<GenerationResult> first = b.submit(gated(gate, prompt(0)));
      waitFor(() -> b.running() == 1);
      CompletableFuture<GenerationResult> second =
          b.submit(GenerationRequest.greedy(prompt(1), 4), TextListener.NONE, () -> false);
      assertThat(b.queued()).isEqualTo(1);
      assertThatThrownBy(
              () ->
                  b.submit(GenerationRequest.greedy(prompt(2), 4), TextListener.NONE, () -> false))
          .isInstanceOf(BatchGenerator.Rejected.class)
          .hasMessageContaining("1 generating, 1 waiting")
          .satisfies(e -> assertThat(((BatchGenerator.Rejected) e).closed()).isFalse());
      CompletableFuture<GenerationResult> next =
          b.submitNext(gated(new CountDownLatch(0), prompt(3)));
      gate.countDown();
      assertThat(get(first).completionTokens()).isBetween(1, 4);
      assertThat(get(second).completionTokens()).isBetween(1, 4);
      assertThat(get(next).completionTokens()).isBetween(1, 4);
    }
  }

  @Test
  void anErrorInAStepReachesEveryWaiterOfTheBatchAndTheNextRequestsStillRun() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicBoolean fail = new AtomicBoolean(true);
    try (BatchGenerator b =
        new BatchGenerator(
            ckpt.model(),
            ckpt.tokenizer(),
            8,
            8,
            "test-batch",
            rows -> {
              if (rows == 3 && fail.getAndSet(false)) {
                throw new IllegalStateException("device lost");
              }
            })) {
      CompletableFuture<GenerationResult> opener = b.submit(gated(gate, prompt(0), 1));
      waitFor(() -> b.running() == 1);
      List<CompletableFuture<GenerationResult>> batch = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        batch.add(
            b.submit(GenerationRequest.greedy(prompt(i), 30), TextListener.NONE, () -> false));
      }
      gate.countDown();
      get(opener);
      for (CompletableFuture<GenerationResult> f : batch) {
        assertThatThrownBy(() -> get(f))
            .isInstanceOf(ExecutionException.class)
            .hasRootCauseMessage("device lost");
      }
      GenerationRequest after = GenerationRequest.greedy(prompt(2), 10);
      assertThat(get(b.submit(after, TextListener.NONE, () -> false)).completionIds())
          .isEqualTo(reference.generate(after).completionIds());
    }
  }

  @Test
  void aSequenceThatIsNotWritableIsParkedWithoutHoldingTheOthersBack() throws Exception {
    AtomicBoolean writable = new AtomicBoolean(true);
    AtomicInteger texts = new AtomicInteger();
    GenerationRequest slow = GenerationRequest.greedy(prompt(3), 40);
    GenerationRequest fast = GenerationRequest.greedy(prompt(1), 30);
    try (BatchGenerator b = batcher(4, 4)) {
      CompletableFuture<GenerationResult> s =
          b.submit(
              new BatchGenerator.Sequence() {
                @Override
                public GenerationRequest request() {
                  return slow;
                }

                @Override
                public void onText(String delta) {
                  if (texts.incrementAndGet() == 3) {
                    writable.set(false);
                  }
                }

                @Override
                public boolean writable() {
                  return writable.get();
                }
              });
      waitFor(() -> b.parked() == 1);
      GenerationResult f = get(b.submit(fast, TextListener.NONE, () -> false));
      assertThat(f.completionIds()).isEqualTo(reference.generate(fast).completionIds());
      assertThat(s).isNotDone();
      writable.set(true);
      b.wake();
      assertThat(get(s).completionIds()).isEqualTo(reference.generate(slow).completionIds());
    }
  }

  @Test
  void nativeArraysStayBoundedOverManyStepsAndAreFreedWhenIdle() throws Exception {
    List<Integer> perStep = new ArrayList<>();
    BatchGenerator[] self = new BatchGenerator[1];
    try (BatchGenerator b =
        new BatchGenerator(
            ckpt.model(),
            ckpt.tokenizer(),
            8,
            8,
            "test-batch",
            rows -> perStep.add(self[0].openArrays()))) {
      self[0] = b;
      List<CompletableFuture<GenerationResult>> fs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        fs.add(
            b.submit(
                new GenerationRequest(prompt(i), 100, 1.0, 1.0, i, List.of()),
                TextListener.NONE,
                () -> false));
      }
      for (CompletableFuture<GenerationResult> f : fs) {
        get(f);
      }
      assertThat(perStep.size()).isGreaterThan(50);
      int layers = ckpt.model().config().numHiddenLayers();
      // Before every step the scheduler holds the batch cache alone: keys and values per layer.
      assertThat(perStep).allSatisfy(n -> assertThat(n).isEqualTo(2 * layers));
      waitFor(() -> b.openArrays() == 0);
    }
  }

  @Test
  void boundsAreValidatedWithTheFieldNamed() {
    assertThatThrownBy(() -> batcher(0, 1)).hasMessageContaining("maxBatch");
    assertThatThrownBy(() -> batcher(1, -1)).hasMessageContaining("queueSize");
    BatchGenerator b = batcher(1, 0);
    b.close();
    assertThatThrownBy(
            () -> b.submit(GenerationRequest.greedy(prompt(0), 2), TextListener.NONE, () -> false))
        .isInstanceOf(BatchGenerator.Rejected.class)
        .satisfies(e -> assertThat(((BatchGenerator.Rejected) e).closed()).isTrue());
  }

  private static BatchGenerator.Sequence gated(CountDownLatch gate, long[] prompt) {
    return gated(gate, prompt, 4);
  }

  /** A sequence whose admission waits for {@code gate} (it holds the scheduler meanwhile). */
  private static BatchGenerator.Sequence gated(CountDownLatch gate, long[] prompt, int tokens) {
    return new BatchGenerator.Sequence() {
      @Override
      public GenerationRequest request() {
        try {
          gate.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new GenerationRequest(prompt, tokens, 0, 1, 0, List.of());
      }

      @Override
      public void onText(String delta) {}
    };
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in 30 s");
      }
      Thread.sleep(5);
    }
  }
}
