/** Adam hyper-parameters (Kingma & Ba 2015 defaults for the moments). */
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/**
 * Adam optimiser state for one flat parameter vector, shared by the MLP (mini-batches) and
 * the non-squared linear models (full batch).
 */
export class Adam {
  private readonly firstMoment: Float64Array;
  private readonly secondMoment: Float64Array;
  private steps = 0;

  constructor(size: number, private readonly learningRate: number) {
    this.firstMoment = new Float64Array(size);
    this.secondMoment = new Float64Array(size);
  }

  /** One bias-corrected step of `parameters` against `gradient` (same length). */
  step(parameters: Float64Array, gradient: Float64Array): void {
    this.steps += 1;
    const correction1 = 1 - BETA1 ** this.steps;
    const correction2 = 1 - BETA2 ** this.steps;
    for (let i = 0; i < parameters.length; i += 1) {
      const g = gradient[i];
      this.firstMoment[i] = BETA1 * this.firstMoment[i] + (1 - BETA1) * g;
      this.secondMoment[i] = BETA2 * this.secondMoment[i] + (1 - BETA2) * g * g;
      parameters[i] -= (this.learningRate * (this.firstMoment[i] / correction1)) / (Math.sqrt(this.secondMoment[i] / correction2) + EPSILON);
    }
  }
}
