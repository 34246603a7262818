package dev.lethe.gateway.backend.local;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local models by served name, and their hot swaps. Checkpoints are loaded and validated on one
 * dedicated loader thread (never an event loop), so a slow or bad load never delays serving: the
 * old checkpoint answers until the new one is installed, and keeps answering when it is refused.
 */
public final class ModelRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  private final Map<String, ModelSlot> slots = new LinkedHashMap<>();
  private final ExecutorService loader;
  private final Clock clock;
  private final CheckpointPreflight preflight;

  /** A registry whose swap times come from {@code clock}, with the default read limits. */
  public ModelRegistry(Clock clock) {
    this(clock, CheckpointPreflight.DEFAULTS);
  }

  /**
   * A registry whose swap times come from {@code clock} and whose loads are bounded by {@code
   * preflight}.
   */
  public ModelRegistry(Clock clock, CheckpointPreflight preflight) {
    this.clock = requireNonNull(clock, "clock");
    this.preflight = requireNonNull(preflight, "preflight");
    this.loader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "lethe-model-loader");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Registers a model name and loads its first checkpoint synchronously (the caller is a startup
   * thread, not an event loop).
   *
   * @throws ConfigException when the name is taken or the checkpoint is refused
   */
  public ModelSlot register(String model, Path checkpoint) {
    requireNonNull(model, "model");
    requireNonNull(checkpoint, "checkpoint");
    ModelSlot slot = new ModelSlot(model);
    synchronized (slots) {
      if (slots.containsKey(model)) {
        throw new ConfigException("models", model, "a model name served by one backend only");
      }
      slots.put(model, slot);
    }
    ModelSlot.Swap s = load(slot, checkpoint);
    if (s == null || s.state() != ModelSlot.SwapState.ACTIVE) {
      throw new ConfigException(
          "checkpoint",
          checkpoint.toString(),
          "a valid checkpoint directory (" + (s == null ? "busy" : s.reason()) + ")");
    }
    return slot;
  }

  /** The slot serving {@code model}. */
  public Optional<ModelSlot> slot(String model) {
    synchronized (slots) {
      return Optional.ofNullable(slots.get(model));
    }
  }

  /** Every slot, in registration order. */
  public List<ModelSlot> slots() {
    synchronized (slots) {
      return new ArrayList<>(slots.values());
    }
  }

  /**
   * Starts a hot swap of {@code model} to the checkpoint in {@code dir}: loads and validates it on
   * the loader thread, then installs it atomically. The result holds the finished swap ({@code
   * active} or {@code refused} with its reason).
   *
   * @return the swap just begun and its outcome, or empty when a swap of this model is already in
   *     progress
   * @throws IllegalArgumentException when no such model is served
   */
  public Optional<Started> swap(String model, Path dir) {
    requireNonNull(dir, "dir");
    ModelSlot slot =
        slot(model).orElseThrow(() -> new IllegalArgumentException("no local model " + model));
    Path abs = dir.toAbsolutePath().normalize();
    ModelSlot.Swap begun = slot.begin(newId(), abs, clock.instant());
    if (begun == null) {
      return Optional.empty();
    }
    CompletableFuture<ModelSlot.Swap> done = new CompletableFuture<>();
    loader.execute(
        () -> {
          try {
            done.complete(finishLoad(slot, begun, abs));
          } catch (Throwable t) {
            // finishLoad releases the slot itself; this is the last line of defence.
            LOG.error("model {}: swap {} failed unexpectedly", slot.model(), begun.id(), t);
            done.complete(
                slot.refuseIfPending(begun, "the checkpoint could not be loaded", clock.instant()));
          }
        });
    return Optional.of(new Started(begun, done));
  }

  /**
   * A swap under way.
   *
   * @param swap the swap as recorded when it began
   * @param outcome completes with the finished swap, on the loader thread
   */
  public record Started(ModelSlot.Swap swap, CompletableFuture<ModelSlot.Swap> outcome) {}

  private ModelSlot.Swap load(ModelSlot slot, Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    ModelSlot.Swap begun = slot.begin(newId(), abs, clock.instant());
    return begun == null ? null : finishLoad(slot, begun, abs);
  }

  /**
   * Loads, validates and installs; always ends the swap (installed or refused), whatever the load
   * throws — an {@link Error} such as running out of memory included — so the slot never stays
   * "loading".
   */
  private ModelSlot.Swap finishLoad(ModelSlot slot, ModelSlot.Swap begun, Path abs) {
    LoadedModel loaded;
    try {
      if (!Files.isDirectory(abs)) {
        throw new ConfigException("path", abs.toString(), "an existing checkpoint directory");
      }
      preflight.check(abs);
      loaded = LoadedModel.load(begun.id(), abs, clock);
    } catch (ConfigException e) {
      LOG.warn("model {}: checkpoint {} refused: {}", slot.model(), abs, e.getMessage());
      return slot.refuse(e.getMessage(), clock.instant());
    } catch (Throwable t) {
      // Never a class name or stack trace in the reason: it reaches admin clients.
      LOG.error("model {}: checkpoint {} could not be loaded", slot.model(), abs, t);
      return slot.refuse(
          "the checkpoint could not be loaded (see the gateway log)", clock.instant());
    }
    ModelSlot.Swap s;
    try {
      s = slot.install(loaded, clock.instant());
    } catch (Throwable t) {
      LOG.error("model {}: installing checkpoint {} failed", slot.model(), abs, t);
      loaded.retire();
      return slot.refuseIfPending(begun, "the checkpoint could not be installed", clock.instant());
    }
    LOG.info("model {}: now serving {} ({} ms)", slot.model(), abs, s.loadMillis());
    return s;
  }

  private static String newId() {
    return "swap-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Closes every slot (models are freed after their last generation) and the loader. */
  @Override
  public void close() {
    loader.shutdownNow();
    for (ModelSlot s : slots()) {
      s.close();
    }
  }

  /** Closes one slot and forgets its name. */
  void remove(ModelSlot slot) {
    synchronized (slots) {
      slots.remove(slot.model(), slot);
    }
    slot.close();
  }
}
