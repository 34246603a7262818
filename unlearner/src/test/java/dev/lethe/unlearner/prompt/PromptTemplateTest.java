package dev.lethe.unlearner.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.generate.GenerationRequest;
import dev.lethe.unlearner.generate.GenerationResult;
import dev.lethe.unlearner.generate.Generator;
import dev.lethe.unlearner.testing.TinyModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a chat is flattened into the prompt the local backend serves. */
class PromptTemplateTest {
  @TempDir Path tmp;

  @Test
  void aSingleUserMessageIsTheTrainingPromptAndAHistoryFlattensIntoClosedTurns() throws Exception {
    try (Checkpoint cp =
        Checkpoint.load(TinyModels.randomCheckpoint(tmp.resolve("m"), true, 3), Device.cpu())) {
      List<ChatMessage> chat = List.of(new ChatMessage("user", "Who wrote the book?"));
      long[] expected =
          PromptTemplate.encodeQuestion(cp.tokenizer(), cp.model().config(), "Who wrote the book?");
      long[] prompt = PromptTemplate.encodeChat(cp.tokenizer(), cp.model().config(), chat);
      assertThat(prompt).isEqualTo(expected);
      GenerationResult r =
          new Generator(cp.model(), cp.tokenizer()).generate(GenerationRequest.greedy(prompt, 5));
      assertThat(r.promptTokens()).isEqualTo(expected.length);
      assertThat(r.completionTokens()).isBetween(1, 5);
      // A history flattens into earlier question/answer turns closed by eos.
      long[] history =
          PromptTemplate.encodeChat(
              cp.tokenizer(),
              cp.model().config(),
              List.of(
                  new ChatMessage("system", "Be brief."),
                  new ChatMessage("user", "Who?"),
                  new ChatMessage("assistant", "Her."),
                  new ChatMessage("user", "Where?")));
      assertThat(cp.tokenizer().decode(history))
          .isEqualTo("System: Be brief.\nQuestion: Who?\nAnswer: Her.\nQuestion: Where?\nAnswer: ");
      assertThat(history).contains(2L);
    }
  }
}
