import { createNormalRandom } from '../random.js';

/**
 * A dense ReLU network with one linear output, parameters in one flat vector so the Adam
 * state is a single array. Layer l has `weights[out·in]` then `bias[out]` at `offsets[l]`.
 */
export class Network {
  readonly parameters: Float64Array;
  readonly offsets: number[] = [];
  /** Per layer: input width and output width. */
  readonly shapes: Array<{ inputs: number; outputs: number }> = [];
  private readonly activations: Float64Array[];
  private readonly deltas: Float64Array[];

  constructor(inputs: number, hidden: number[], uniform: () => number) {
    const widths = [inputs, ...hidden, 1];
    let size = 0;
    for (let l = 0; l + 1 < widths.length; l += 1) {
      this.offsets.push(size);
      this.shapes.push({ inputs: widths[l], outputs: widths[l + 1] });
      size += widths[l] * widths[l + 1] + widths[l + 1];
    }
    this.parameters = new Float64Array(size);
    const normal = createNormalRandom(uniform);
    this.shapes.forEach(({ inputs: fanIn, outputs }, l) => {
      // He initialisation for ReLU layers; the linear output layer starts small so the
      // initial prediction is close to the target offset.
      const scale = l + 1 < this.shapes.length ? Math.sqrt(2 / fanIn) : 0.1 * Math.sqrt(1 / fanIn);
      for (let i = 0; i < fanIn * outputs; i += 1) this.parameters[this.offsets[l] + i] = scale * normal();
    });
    this.activations = widths.map((width) => new Float64Array(width));
    this.deltas = widths.map((width) => new Float64Array(width));
  }

  /** Network output for one standardised input row (activations are kept for `backward`). */
  forward(input: Float64Array, inputOffset: number): number {
    this.activations[0].set(input.subarray(inputOffset, inputOffset + this.shapes[0].inputs));
    const p = this.parameters;
    this.shapes.forEach(({ inputs, outputs }, l) => {
      const from = this.activations[l];
      const to = this.activations[l + 1];
      const weightStart = this.offsets[l];
      const biasStart = weightStart + inputs * outputs;
      const relu = l + 1 < this.shapes.length;
      for (let o = 0; o < outputs; o += 1) {
        let sum = p[biasStart + o];
        const row = weightStart + o * inputs;
        for (let i = 0; i < inputs; i += 1) sum += p[row + i] * from[i];
        to[o] = relu && sum < 0 ? 0 : sum;
      }
    });
    return this.activations[this.shapes.length][0];
  }

  /** Accumulates d(loss)/d(parameters) into `gradient` for the last forward row, given d(loss)/d(output). */
  backward(outputGradient: number, gradient: Float64Array): void {
    const p = this.parameters;
    const last = this.shapes.length;
    this.deltas[last][0] = outputGradient;
    for (let l = last - 1; l >= 0; l -= 1) {
      const { inputs, outputs } = this.shapes[l];
      const from = this.activations[l];
      const delta = this.deltas[l + 1];
      const below = this.deltas[l];
      const weightStart = this.offsets[l];
      const biasStart = weightStart + inputs * outputs;
      below.fill(0);
      for (let o = 0; o < outputs; o += 1) {
        const d = delta[o];
        if (d === 0) continue;
        gradient[biasStart + o] += d;
        const row = weightStart + o * inputs;
        for (let i = 0; i < inputs; i += 1) {
          gradient[row + i] += d * from[i];
          below[i] += d * p[row + i];
        }
      }
      // ReLU derivative of the layer below (its stored activation is 0 where it was cut).
      if (l > 0) for (let i = 0; i < inputs; i += 1) if (from[i] <= 0) below[i] = 0;
    }
  }

  /** Marks which parameters are weights (weight decay applies) rather than biases. */
  isWeight(index: number): boolean {
    for (let l = this.shapes.length - 1; l >= 0; l -= 1) {
      if (index >= this.offsets[l]) return index < this.offsets[l] + this.shapes[l].inputs * this.shapes[l].outputs;
    }
    return false;
  }
}
