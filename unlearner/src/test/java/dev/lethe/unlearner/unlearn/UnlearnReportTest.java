package dev.lethe.unlearner.unlearn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.unlearner.eval.TofuReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The over-/under-forgetting verdict next to forget quality (issue 13). */
class UnlearnReportTest {
  private static TofuReport after(Double forgetQuality, Double privleak) {
    return new TofuReport(
        forgetQuality,
        null,
        null,
        null,
        null,
        null,
        privleak,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        List.of(),
        List.of());
  }

  @Test
  void privleakBeyondTwentyPercentIsFlagged() {
    // MIA AUC 0.07 against the retain model's 0.45: privleak about +69% → over-forgetting
    assertThat(UnlearnReport.forgetting(after(0.13, 69.0)).get("verdict"))
        .isEqualTo("over-forgetting");
    assertThat(UnlearnReport.forgetting(after(1e-5, -45.0)).get("verdict"))
        .isEqualTo("under-forgetting");
    assertThat(UnlearnReport.forgetting(after(0.4, 19.9)).get("verdict")).isEqualTo("within");
    assertThat(UnlearnReport.forgetting(after(0.4, -20.0)).get("verdict")).isEqualTo("within");
    assertThat(UnlearnReport.forgetting(after(0.4, 19.9)).get("forget_quality")).isEqualTo(0.4);
    // no reference (no forget quality): no verdict
    assertThat(UnlearnReport.forgetting(after(null, 69.0))).isNull();
    assertThat(UnlearnReport.forgetting(null)).isNull();
  }
}
