package dev.lethe.filters;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs stages: request hooks in order, response filters in reverse order. Immutable; one pipeline
 * serves all requests.
 */
public final class Pipeline {
  private final List<Stage> stages;

  /** Creates a pipeline over {@code stages}, in request order. */
  public Pipeline(List<? extends Stage> stages) {
    this.stages = List.copyOf(requireNonNull(stages, "stages"));
  }

  /** The stages, in request order. */
  public List<Stage> stages() {
    return stages;
  }

  /** True when there is no stage, so callers may skip the hop to a worker thread. */
  public boolean isEmpty() {
    return stages.isEmpty();
  }

  /**
   * Whether every stage would decide {@code exchange} without blocking work ({@link
   * Stage#decidesWithoutBlocking}), so the request hooks may run on the caller's event loop.
   */
  public boolean decidesWithoutBlocking(Exchange exchange) {
    for (Stage stage : stages) {
      if (!stage.decidesWithoutBlocking(exchange)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs the request hooks. Rewrites are applied to the exchange and the chain goes on; the first
   * {@link Verdict.Respond} stops it.
   *
   * @return {@link Verdict#proceed()} when the backend should be called with {@link
   *     Exchange#request()}, or the {@link Verdict.Respond} to answer with
   * @throws StageException when a stage failed; the caller fails the request closed
   */
  public Verdict onRequest(Exchange exchange) {
    for (Stage stage : stages) {
      Verdict v;
      try {
        v = stage.onRequest(exchange);
      } catch (Exception e) {
        throw new StageException(stage.name(), e);
      }
      if (v == null) {
        throw new StageException(stage.name(), new NullPointerException("verdict"));
      }
      switch (v) {
        case Verdict.Continue c -> {}
        case Verdict.Rewrite r -> {
          exchange.replaceRequest(r.request());
          exchange.decide(r.decision(), r.ruleId());
        }
        case Verdict.Respond r -> {
          exchange.decide(r.decision(), r.ruleId());
          return r;
        }
      }
    }
    return Verdict.proceed();
  }

  /** Composes the stages' response filters for {@code exchange}, last stage first. */
  public ResponseFilter responseFilter(Exchange exchange) {
    List<ResponseFilter> filters = new ArrayList<>(stages.size());
    for (int i = stages.size() - 1; i >= 0; i--) {
      ResponseFilter f = stages.get(i).onResponse(exchange);
      if (f != null && f != ResponseFilter.identity()) {
        filters.add(f);
      }
    }
    return switch (filters.size()) {
      case 0 -> ResponseFilter.identity();
      case 1 -> filters.get(0);
      default -> new Chain(filters);
    };
  }

  /** Filters applied one after another; a chunk emitted by one is fed to the next. */
  private record Chain(List<ResponseFilter> filters) implements ResponseFilter {

    @Override
    public void onChunk(ObjectNode chunk, ChunkSink out) {
      feed(0, chunk, out);
    }

    private void feed(int index, ObjectNode chunk, ChunkSink out) {
      if (index == filters.size()) {
        out.emit(chunk);
        return;
      }
      filters.get(index).onChunk(chunk, sinkAfter(index, out));
    }

    private ChunkSink sinkAfter(int index, ChunkSink out) {
      return new ChunkSink() {
        @Override
        public void emit(ObjectNode c) {
          feed(index + 1, c, out);
        }

        @Override
        public void keepAlive() {
          out.keepAlive();
        }
      };
    }

    @Override
    public void onEnd(ChunkSink out) {
      for (int i = 0; i < filters.size(); i++) {
        filters.get(i).onEnd(sinkAfter(i, out));
      }
    }

    @Override
    public ObjectNode onComplete(ObjectNode response) {
      ObjectNode r = response;
      for (ResponseFilter f : filters) {
        r = f.onComplete(r);
      }
      return r;
    }

    @Override
    public boolean upstreamNoLongerNeeded() {
      for (ResponseFilter f : filters) {
        if (f.upstreamNoLongerNeeded()) {
          return true;
        }
      }
      return false;
    }
  }
}
