package dev.lethe.gateway.unlearn;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.backend.local.ModelSlot;
import dev.lethe.unlearner.unlearn.UnlearnReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One unlearning job: its JSON document (the shape of {@code GET /admin/unlearn/{job}}, also what
 * is persisted) changed only through typed transitions under this object's lock, plus its live step
 * counter while it runs. Every change is handed to a listener, under the lock, so listeners see the
 * changes in order.
 */
final class JobRecord {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode node;
  private final Clock clock;
  private final Consumer<ObjectNode> changes;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private SimpleMeterRegistry meters;

  /**
   * The job of a JSON document; a state this version does not know counts as ended.
   *
   * @param node the document, owned by this record from now on
   * @param clock stamps {@code finishedAt}
   * @param changes gets the document after each change, under this record's lock: it must copy what
   *     it keeps, never change it, and return quickly
   */
  JobRecord(ObjectNode node, Clock clock, Consumer<ObjectNode> changes) {
    this.node = requireNonNull(node, "node");
    this.clock = requireNonNull(clock, "clock");
    this.changes = requireNonNull(changes, "changes");
    if (!live()) {
      done.complete(null);
    }
  }

  String id() {
    return node.path("id").asText();
  }

  /** When it was created, as written ({@code createdAt}, ISO-8601). */
  synchronized String createdAt() {
    return node.path("createdAt").asText();
  }

  synchronized UnlearnJobState state() {
    return UnlearnJobState.fromWire(node.path("state").asText()).orElse(UnlearnJobState.FAILED);
  }

  synchronized boolean live() {
    return state().live();
  }

  /** Completes when the job has ended. */
  CompletableFuture<Void> done() {
    return done;
  }

  /** Marks the end visible to {@link #done()} (after the final state is persisted). */
  void ended() {
    done.complete(null);
  }

  synchronized void start(String at, SimpleMeterRegistry meters) {
    this.meters = meters;
    node.put("state", UnlearnJobState.RUNNING.wireName());
    progress().put("phase", UnlearnJobPhase.LOAD.wireName());
    node.put("startedAt", at);
    changed();
  }

  synchronized void state(UnlearnJobState s, UnlearnJobPhase phase) {
    node.put("state", s.wireName());
    progress().put("phase", phase.wireName());
    changed();
  }

  synchronized void progress(int stage, int step, double loss) {
    ObjectNode p = progress();
    p.put("stage", stage);
    p.put("step", step);
    if (Double.isFinite(loss)) {
      p.put("loss", loss);
    } else {
      p.putNull("loss");
    }
    changed();
  }

  synchronized void report(UnlearnReport report) {
    Map<String, Object> m = report.toMap();
    node.set("before", JSON.valueToTree(m.get("before")));
    node.set("after", JSON.valueToTree(m.get("after")));
    node.set("robustness", JSON.valueToTree(m.get("robustness")));
    node.set("retain", JSON.valueToTree(m.get("retain")));
    node.set("seconds", JSON.valueToTree(m.get("seconds")));
    node.set("evalSeconds", JSON.valueToTree(m.get("eval_seconds")));
    ObjectNode p = progress();
    p.put("step", report.steps());
    p.set("loss", JSON.valueToTree(report.finalLoss()));
  }

  /** The default goal's search: goal, met, chosen trial and step, why it stopped, time. */
  synchronized void search(java.util.Map<String, Object> search) {
    node.set("search", JSON.valueToTree(search));
  }

  synchronized void gates(UnlearnGates.Decision d) {
    ObjectNode g = node.putObject("gates");
    g.put("passed", d.passed());
    g.set("checks", JSON.valueToTree(d.checks()));
    g.set("reasons", JSON.valueToTree(d.reasons()));
  }

  synchronized void swap(ModelSlot.Swap w) {
    ObjectNode s = node.putObject("swap");
    s.put("id", w.id());
    s.put("path", w.path().toString());
    s.put("state", w.state().wireName());
    if (w.reason() == null) {
      s.putNull("reason");
    } else {
      s.put("reason", w.reason());
    }
    node.put("swapped", w.state() == ModelSlot.SwapState.ACTIVE);
  }

  synchronized void finish(UnlearnJobState state, String reason) {
    meters = null;
    node.put("state", state.wireName());
    if (reason == null) {
      node.putNull("reason");
    } else {
      node.put("reason", reason);
    }
    node.put("finishedAt", clock.instant().toString());
    if (node.get("progress") instanceof ObjectNode p) {
      p.put("phase", UnlearnJobPhase.DONE.wireName());
    }
    changed();
  }

  /** A copy of the document, with the live step count while the loop runs. */
  synchronized ObjectNode snapshot() {
    ObjectNode copy = node.deepCopy();
    SimpleMeterRegistry m = meters;
    if (m != null && state() == UnlearnJobState.RUNNING) {
      Counter c = m.find("lethe.unlearn.steps").counter();
      ObjectNode p = (ObjectNode) copy.get("progress");
      if (c != null && c.count() > p.path("step").asDouble()) {
        p.put("step", (long) c.count());
      }
    }
    return copy;
  }

  private ObjectNode progress() {
    return (ObjectNode) node.get("progress");
  }

  private void changed() {
    changes.accept(node);
  }
}
