package dev.lethe.gateway.compare;

/** Receives a compare's progress; called from the compare's own thread. */
public interface CompareProgress {
  /** Nothing. */
  CompareProgress NONE = new CompareProgress() {};

  /** An arm starts ({@code index} from 0 of {@code arms}). */
  default void armStarted(String arm, int index, int arms) {}

  /** {@code done} of {@code total} probes of {@code arm} are answered. */
  default void probed(String arm, int done, int total) {}

  /**
   * In-run unlearning ({@link InRunUnlearning}) finished step {@code step} of {@code steps} of
   * stage {@code stage} (from 0) of {@code stages}.
   */
  default void unlearning(int stage, int stages, int step, int steps) {}

  /** A free-form note (startup, rule installation, …). */
  default void note(String message) {}
}
