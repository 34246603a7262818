package dev.lethe.unlearner.loss;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.loss.MethodParams.RetainKind;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The weight-level unlearning methods: the one table mapping a method's name to its forget term,
 * the retain terms it accepts, its defaults and what the training loop must compute for it. The
 * papers are cited where each term is defined: the {@link ForgetTerm} and {@link RetainTerm}
 * classes of this package.
 *
 * <p>Defaults follow open-unlearning's TOFU configs (REFERENCES §4): NPO β = 0.1; SimNPO β = 4.5, δ
 * = 0, γ = 0.125; IdkDPO β = 0.1; RMU c = 2, α = 1 ({@code configs/trainer/RMU.yaml}, every
 * parameter trainable, not the WMDP paper's c = 6.5, α = 1200 on three down-projections: that is
 * {@link MethodParams#wmdpRmu()}); γ = α = 1 elsewhere. Parameters a method does not use keep a
 * placeholder (β 0.1, δ 0, c 2) and are ignored.
 */
public enum UnlearnMethod {
  /** Gradient ascent ({@link GradientAscentLoss}), no retain term. */
  GA(
      "ga",
      "gradient ascent on the forget answers",
      p -> new GradientAscentLoss(),
      Reads.FORGET_LOGITS,
      EnumSet.of(RetainKind.NONE),
      new Defaults(0.1, 1, 0, 0, 2, RetainKind.NONE)),
  /** Gradient difference: {@link GradientAscentLoss} + {@link NllRetain} (Liu et al. 2022). */
  GRAD_DIFF(
      "graddiff",
      "gradient ascent on forget + NLL on retain",
      p -> new GradientAscentLoss(),
      Reads.FORGET_LOGITS,
      EnumSet.of(RetainKind.NLL),
      new Defaults(0.1, 1, 1, 0, 2, RetainKind.NLL)),
  /** KL minimisation: {@link GradientAscentLoss} + {@link KlRetain} (TOFU's KL baseline). */
  KL(
      "kl",
      "gradient ascent on forget + KL to the frozen start model on retain",
      p -> new GradientAscentLoss(),
      Reads.FORGET_LOGITS,
      EnumSet.of(RetainKind.KL),
      new Defaults(0.1, 1, 1, 0, 2, RetainKind.KL)),
  /** Negative Preference Optimization ({@link NpoLoss}) + retain NLL (NPO+RT) or KL. */
  NPO(
      "npo",
      "negative preference optimization + retain NLL (or KL)",
      p -> new NpoLoss(p.beta()),
      Reads.FORGET_LOGITS,
      EnumSet.of(RetainKind.NLL, RetainKind.KL),
      new Defaults(0.1, 1, 1, 0, 2, RetainKind.NLL)),
  /** Reference-free SimNPO ({@link SimNpoLoss}) + retain NLL or KL. */
  SIMNPO(
      "simnpo",
      "reference-free SimNPO + retain NLL (or KL)",
      p -> new SimNpoLoss(p.beta(), p.delta()),
      Reads.FORGET_LOGITS,
      EnumSet.of(RetainKind.NLL, RetainKind.KL),
      new Defaults(4.5, 0.125, 1, 0, 2, RetainKind.NLL)),
  /** Descent on refusal answers ({@link IdkLoss}) + retain NLL or KL. */
  IDK(
      "idk",
      "descent on refusal answers + retain NLL (or KL)",
      p -> new IdkLoss(),
      Reads.REFUSALS,
      EnumSet.of(RetainKind.NLL, RetainKind.KL),
      new Defaults(0.1, 1, 1, 0, 2, RetainKind.NLL)),
  /** DPO preferring refusals over true answers ({@link IdkDpoLoss}) + retain NLL or KL. */
  IDK_DPO(
      "idkdpo",
      "DPO preferring refusals over true answers + retain NLL (or KL)",
      p -> new IdkDpoLoss(p.beta()),
      Reads.FORGET_LOGITS_AND_REFUSALS,
      EnumSet.of(RetainKind.NLL, RetainKind.KL),
      new Defaults(0.1, 1, 1, 0, 2, RetainKind.NLL)),
  /**
   * Representation misdirection ({@link RmuLoss}) + retain activation MSE ({@link
   * ActivationRetain}) at the steered layer. Trap: c and α depend on the model's activation norms;
   * neither published setting is tuned for Lethe's small models.
   */
  RMU(
      "rmu",
      "representation misdirection + retain activation MSE",
      p -> new RmuLoss(p.steeringCoefficient(), p.seed()),
      Reads.STEERED_LAYER,
      EnumSet.of(RetainKind.ACTIVATIONS),
      new Defaults(0.1, 1, 1, 0, 2, RetainKind.ACTIVATIONS));

  /** What the forget term reads from the model on a forget batch. */
  private enum Reads {
    FORGET_LOGITS,
    REFUSALS,
    FORGET_LOGITS_AND_REFUSALS,
    STEERED_LAYER
  }

  /** A method's default hyper-parameters (seed 0). */
  private record Defaults(
      double beta,
      double gamma,
      double alpha,
      double delta,
      double steeringCoefficient,
      RetainKind retain) {}

  private final String cliName;
  private final String summary;
  private final Function<MethodParams, ForgetTerm> forgetTerm;
  private final Reads reads;
  private final Set<RetainKind> retainKinds;
  private final Defaults defaults;

  UnlearnMethod(
      String cliName,
      String summary,
      Function<MethodParams, ForgetTerm> forgetTerm,
      Reads reads,
      Set<RetainKind> retainKinds,
      Defaults defaults) {
    this.cliName = cliName;
    this.summary = summary;
    this.forgetTerm = forgetTerm;
    this.reads = reads;
    this.retainKinds = Set.copyOf(retainKinds);
    this.defaults = defaults;
  }

  /** The lower-case name used on the command line and in reports. */
  public String cliName() {
    return cliName;
  }

  /** One line saying what the method optimises (for help texts). */
  public String summary() {
    return summary;
  }

  /** The defaults of this method, seed 0. */
  public MethodParams defaults() {
    Defaults d = defaults;
    return new MethodParams(
        this, d.beta(), d.gamma(), d.alpha(), d.delta(), d.steeringCoefficient(), d.retain(), 0);
  }

  /** The forget term with the hyper-parameters of {@code params}. */
  ForgetTerm forgetTerm(MethodParams params) {
    return forgetTerm.apply(params);
  }

  /** Whether the objective composes with the retain term {@code kind}. */
  public boolean accepts(RetainKind kind) {
    return retainKinds.contains(kind);
  }

  /** What {@link #accepts} allows, as a validation message ({@code NLL or KL for npo}). */
  String retainExpectation() {
    return EnumSet.copyOf(retainKinds).stream()
            .map(RetainKind::toString)
            .collect(Collectors.joining(" or "))
        + " for "
        + cliName;
  }

  /** Whether the forget term reads the current model's logits on the forget answers. */
  public boolean usesForgetLogits() {
    return reads == Reads.FORGET_LOGITS || reads == Reads.FORGET_LOGITS_AND_REFUSALS;
  }

  /** Whether the forget term reads refusal answers to the forget questions (IDK, IdkDPO). */
  public boolean usesRefusals() {
    return reads == Reads.REFUSALS || reads == Reads.FORGET_LOGITS_AND_REFUSALS;
  }

  /** Whether the objective reads the hidden state of one decoder layer (RMU). */
  public boolean steersLayer() {
    return reads == Reads.STEERED_LAYER;
  }

  /**
   * Parses a method name, case-insensitively, accepting {@code grad_diff}/{@code idk_dpo} too.
   *
   * @throws ConfigException naming the accepted values
   */
  public static UnlearnMethod parse(String name) {
    if (name != null) {
      String n = name.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
      for (UnlearnMethod m : values()) {
        if (m.cliName.equals(n)) {
          return m;
        }
      }
    }
    throw new ConfigException(
        "method",
        name,
        "one of "
            + Arrays.stream(values())
                .map(UnlearnMethod::cliName)
                .collect(Collectors.joining(", ")));
  }
}
