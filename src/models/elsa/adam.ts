/** Hyper-parameters of `Adam`. */
export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * The Adam optimiser (Kingma & Ba 2015) over one flat parameter array: bias-corrected first and
 * second moment estimates, one step per `step` call.
 */
export class Adam {
  readonly learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;

  constructor(size: number, options: AdamOptions) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** Moves `params` against `grad` (same length as the optimiser) by one step. */
  step(params: Float32Array, grad: Float32Array): void {
    this.t++;
    const { beta1, beta2, epsilon, m, v } = this;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    // Folding both bias corrections into the step size leaves one sqrt and one divide per entry.
    const stepSize = (this.learningRate * Math.sqrt(c2)) / c1;
    const eps = epsilon * Math.sqrt(c2);
    for (let i = 0; i < params.length; i++) {
      const g = grad[i];
      const mi = beta1 * m[i] + (1 - beta1) * g;
      const vi = beta2 * v[i] + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] -= (stepSize * mi) / (Math.sqrt(vi) + eps);
    }
  }
}
