package dev.lethe.gateway.unlearn;

import static java.util.Objects.requireNonNull;

import dev.lethe.gateway.backend.local.LoadedModel;
import dev.lethe.gateway.backend.local.ModelRegistry;
import dev.lethe.gateway.backend.local.ModelSlot;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import java.util.Optional;

/**
 * The last step of a job whose gates passed: hot-swaps its checkpoint into the model's slot and
 * ends the job — succeeded when the new checkpoint serves, refused (the current one keeps serving)
 * when the slot's checkpoint changed while the job ran, another swap is loading, or the loader
 * refuses the checkpoint. Blocks until the load ends: call it on the job's worker thread only.
 */
final class CheckpointSwap {
  private final ModelRegistry models;

  CheckpointSwap(ModelRegistry models) {
    this.models = requireNonNull(models, "models");
  }

  void swap(JobRecord job, UnlearnJob.Spec spec, ModelSlot slot) throws Exception {
    LoadedModel now = slot.current();
    if (now == null || !now.directory().equals(spec.model())) {
      job.finish(
          UnlearnJobState.REFUSED,
          "the checkpoint of "
              + slot.model()
              + " changed while the job ran ("
              + (now == null ? "none" : now.directory())
              + "); not swapped");
      return;
    }
    job.state(UnlearnJobState.EVALUATING, UnlearnJobPhase.SWAP);
    Optional<ModelRegistry.Started> started = models.swap(slot.model(), spec.out());
    if (started.isEmpty()) {
      job.finish(
          UnlearnJobState.REFUSED,
          "another checkpoint of " + slot.model() + " is loading; not swapped");
      return;
    }
    ModelSlot.Swap w = started.get().outcome().get();
    job.swap(w);
    if (w.state() == ModelSlot.SwapState.ACTIVE) {
      job.finish(UnlearnJobState.SUCCEEDED, null);
    } else {
      job.finish(UnlearnJobState.REFUSED, "checkpoint refused by the loader: " + w.reason());
    }
  }
}
