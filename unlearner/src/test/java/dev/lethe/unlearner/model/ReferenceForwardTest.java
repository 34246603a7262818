package dev.lethe.unlearner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks the whole DJL decoder against a plain-Java, double-precision transcription of HF's {@code
 * modeling_llama} (embedding, RMSNorm, rotate_half RoPE, grouped causal attention, SwiGLU, final
 * norm, LM head), position by position.
 */
class ReferenceForwardTest {
  @Test
  void djlLogitsMatchAPlainJavaLlamaForward() {
    for (boolean tied : new boolean[] {true, false}) {
      LlamaConfig c =
          new LlamaConfig(40, 16, 24, 2, 4, 2, 1e-5, 500.0, 32, tied, 1, List.of(2), 0, "silu");
      try (LlamaModel model = LlamaModel.initialize(c, 99, Device.cpu());
          NDManager m = model.manager().newSubManager()) {
        // Larger weights than the 0.02 init, so that attention is far from uniform.
        model.parameters().values().forEach(p -> p.muli(p.getShape().dimension() == 2 ? 15f : 1f));
        long[] ids = {1, 7, 3, 39, 12, 5};
        float[] actual = model.logits(m.create(ids, new Shape(1, ids.length))).toFloatArray();
        double[][] expected = reference(c, model.toTensors(), ids);
        for (int t = 0; t < ids.length; t++) {
          for (int v = 0; v < c.vocabSize(); v++) {
            assertThat((double) actual[t * c.vocabSize() + v])
                .as("tied=%s t=%d v=%d", tied, t, v)
                .isCloseTo(expected[t][v], within(1e-4));
          }
        }
      }
    }
  }

  static double[][] reference(LlamaConfig c, Map<String, Tensor> w, long[] ids) {
    int n = ids.length;
    int d = c.hiddenSize();
    int heads = c.numAttentionHeads();
    int kvHeads = c.numKeyValueHeads();
    int hd = c.headDim();
    double[][] x = new double[n][d];
    float[] embed = w.get("model.embed_tokens.weight").values();
    for (int t = 0; t < n; t++) {
      for (int j = 0; j < d; j++) {
        x[t][j] = embed[(int) ids[t] * d + j];
      }
    }
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      String p = "model.layers." + l + ".";
      double[][] h = rms(x, w.get(p + "input_layernorm.weight").values(), c.rmsNormEps());
      double[][] q =
          rope(linear(h, w.get(p + "self_attn.q_proj.weight")), heads, hd, c.ropeTheta());
      double[][] k =
          rope(linear(h, w.get(p + "self_attn.k_proj.weight")), kvHeads, hd, c.ropeTheta());
      double[][] v = linear(h, w.get(p + "self_attn.v_proj.weight"));
      double[][] attn = new double[n][heads * hd];
      for (int head = 0; head < heads; head++) {
        int g = head / (heads / kvHeads);
        for (int t = 0; t < n; t++) {
          double[] s = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int u = 0; u <= t; u++) {
            for (int i = 0; i < hd; i++) {
              s[u] += q[t][head * hd + i] * k[u][g * hd + i];
            }
            s[u] /= Math.sqrt(hd);
            max = Math.max(max, s[u]);
          }
          double z = 0;
          for (int u = 0; u <= t; u++) {
            s[u] = Math.exp(s[u] - max);
            z += s[u];
          }
          for (int u = 0; u <= t; u++) {
            for (int i = 0; i < hd; i++) {
              attn[t][head * hd + i] += s[u] / z * v[u][g * hd + i];
            }
          }
        }
      }
      add(x, linear(attn, w.get(p + "self_attn.o_proj.weight")));
      double[][] h2 = rms(x, w.get(p + "post_attention_layernorm.weight").values(), c.rmsNormEps());
      double[][] gate = linear(h2, w.get(p + "mlp.gate_proj.weight"));
      double[][] up = linear(h2, w.get(p + "mlp.up_proj.weight"));
      for (int t = 0; t < n; t++) {
        for (int j = 0; j < gate[t].length; j++) {
          gate[t][j] = gate[t][j] / (1 + Math.exp(-gate[t][j])) * up[t][j];
        }
      }
      add(x, linear(gate, w.get(p + "mlp.down_proj.weight")));
    }
    double[][] out = rms(x, w.get("model.norm.weight").values(), c.rmsNormEps());
    return linear(
        out, w.get(c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight"));
  }

  private static double[][] linear(double[][] x, Tensor weight) {
    int out = (int) weight.shape()[0];
    int in = (int) weight.shape()[1];
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double s = 0;
        for (int i = 0; i < in; i++) {
          s += x[t][i] * weight.values()[o * in + i];
        }
        y[t][o] = s;
      }
    }
    return y;
  }

  private static double[][] rms(double[][] x, float[] gain, double eps) {
    double[][] y = new double[x.length][x[0].length];
    for (int t = 0; t < x.length; t++) {
      double ms = 0;
      for (double v : x[t]) {
        ms += v * v;
      }
      double r = 1 / Math.sqrt(ms / x[t].length + eps);
      for (int j = 0; j < x[t].length; j++) {
        y[t][j] = gain[j] * x[t][j] * r;
      }
    }
    return y;
  }

  /**
   * HF rotate_half: y[i] = x[i] cos - x[i + half] sin, y[i + half] = x[i + half] cos + x[i] sin.
   */
  private static double[][] rope(double[][] x, int heads, int hd, double theta) {
    int half = hd / 2;
    double[][] y = new double[x.length][x[0].length];
    for (int t = 0; t < x.length; t++) {
      for (int h = 0; h < heads; h++) {
        for (int i = 0; i < half; i++) {
          double angle = t * Math.pow(theta, -2.0 * i / hd);
          double a = x[t][h * hd + i];
          double b = x[t][h * hd + half + i];
          y[t][h * hd + i] = a * Math.cos(angle) - b * Math.sin(angle);
          y[t][h * hd + half + i] = b * Math.cos(angle) + a * Math.sin(angle);
        }
      }
    }
    return y;
  }

  private static void add(double[][] x, double[][] y) {
    for (int t = 0; t < x.length; t++) {
      for (int j = 0; j < x[t].length; j++) {
        x[t][j] += y[t][j];
      }
    }
  }
}
