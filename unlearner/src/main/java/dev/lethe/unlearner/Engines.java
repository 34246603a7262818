package dev.lethe.unlearner;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Access to the DJL PyTorch engine, always in offline mode: natives come from the classpath.
 *
 * <p>Threads: PyTorch's intra-op thread pool defaults to one thread, set once when the engine is
 * first obtained. With the small models Lethe trains, on shared CPUs, OpenMP's spinning worker
 * threads cost far more than they gain (measured: 2.6 ms per generated token with one thread, 80 ms
 * with two on a loaded two-core machine), and concurrent requests already use several threads.
 * Override with the system property {@code lethe.torch.threads} (or the {@code OMP_NUM_THREADS}
 * environment variable, which is then left to PyTorch).
 */
public final class Engines {
  /** DJL's engine name for PyTorch. */
  public static final String PYTORCH = "PyTorch";

  /** System property: PyTorch intra-op threads. */
  public static final String THREADS_PROPERTY = "lethe.torch.threads";

  private static volatile boolean configured;
  private static volatile boolean checked;

  private Engines() {}

  /**
   * Returns the PyTorch engine, first switching DJL to offline mode so that it never tries to
   * download natives or models.
   *
   * @throws IllegalStateException when {@code PYTORCH_LIBRARY_PATH} names a libtorch of another
   *     version than the JNI library's ({@link LibtorchVersion})
   */
  public static Engine pytorch() {
    System.setProperty("ai.djl.offline", "true");
    if (!checked) {
      LibtorchVersion.requireMatchingLocalLibtorch();
      checked = true;
    }
    Engine engine = Engine.getEngine(PYTORCH);
    if (!configured) {
      configureThreads();
    }
    return engine;
  }

  private static synchronized void configureThreads() {
    if (configured) {
      return;
    }
    configured = true;
    String property = System.getProperty(THREADS_PROPERTY);
    if (property == null && System.getenv("OMP_NUM_THREADS") != null) {
      return;
    }
    int threads = 1;
    if (property != null) {
      try {
        threads = Math.max(1, Integer.parseInt(property.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            THREADS_PROPERTY + ": \"" + property + "\" (expected: a positive integer)", e);
      }
    }
    JniUtils.setNumThreads(threads);
  }
}
