package dev.lethe.gateway.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.gateway.backend.local.LoadedModel;
import dev.lethe.gateway.testing.TinyCheckpoints;
import dev.lethe.unlearner.generate.FinishReason;
import dev.lethe.unlearner.generate.GenerationRequest;
import dev.lethe.unlearner.generate.GenerationResult;
import dev.lethe.unlearner.prompt.ChatMessage;
import dev.lethe.unlearner.prompt.PromptTemplate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving handle of one checkpoint: a retired model stays valid for its in-flight users. */
class LoadedModelTest {
  @TempDir Path tmp;

  @Test
  void retiringWaitsForAnInFlightGenerationThenRefusesNewReferences() throws Exception {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    LoadedModel model =
        LoadedModel.load(
            "m1", TinyCheckpoints.random(tmp.resolve("m"), 3, 64), Clock.fixed(at, ZoneOffset.UTC));
    assertThat(model.id()).isEqualTo("m1");
    assertThat(model.loadedAt()).isEqualTo(at);
    assertThat(model.references()).isEqualTo(1);
    assertThat(model.acquire()).isTrue();
    long[] prompt =
        PromptTemplate.encodeChat(
            model.checkpoint().tokenizer(),
            model.checkpoint().model().config(),
            List.of(new ChatMessage("user", "Who?")));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch retired = new CountDownLatch(1);
    AtomicReference<GenerationResult> result = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.set(
                    model
                        .generator()
                        .generate(
                            new GenerationRequest(prompt, 8, 1.0, 1.0, 1, List.of()),
                            d -> {},
                            () -> {
                              started.countDown();
                              try {
                                retired.await(30, TimeUnit.SECONDS);
                              } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                              }
                              return false;
                            }));
              } finally {
                model.release();
              }
            });
    t.start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    model.retire();
    // The generation still holds its reference: the weights are not freed under it.
    assertThat(model.freed()).isFalse();
    assertThat(model.references()).isEqualTo(1);
    retired.countDown();
    t.join(30_000);
    assertThat(t.isAlive()).isFalse();
    // It finished on the retired weights, and its release freed them.
    assertThat(result.get().finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
    assertThat(model.freed()).isTrue();
    assertThat(model.references()).isZero();
    assertThat(model.acquire()).isFalse();
  }
}
