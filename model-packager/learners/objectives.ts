import type { Link, Objective } from '../models/trained-model.js';

/** Raw-margin maths of one objective: intercept, gradients and the loss reported per round. */
export interface ObjectiveFunctions {
  link: Link;
  /** Name of the per-round metric (`history[i].train/valid`). */
  lossName: 'rmse' | 'poisson-deviance' | 'tweedie-deviance' | 'logloss';
  /** Best constant raw score for the targets (the model's `baseScore`). */
  baseScore(y: Float64Array): number;
  /** Writes first and second derivatives of the loss at raw scores `raw` into grad/hess. */
  gradients(y: Float64Array, raw: Float64Array, grad: Float32Array, hess: Float32Array): void;
  /** Mean loss (RMSE for squared error) of raw scores against targets. */
  loss(y: Float64Array, raw: Float64Array): number;
}

function mean(y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < y.length; i += 1) sum += y[i];
  return sum / y.length;
}

const squared: ObjectiveFunctions = {
  link: 'identity',
  lossName: 'rmse',
  baseScore: mean,
  gradients(y, raw, grad, hess) {
    for (let i = 0; i < y.length; i += 1) {
      grad[i] = raw[i] - y[i];
      hess[i] = 1;
    }
  },
  loss(y, raw) {
    let sum = 0;
    for (let i = 0; i < y.length; i += 1) sum += (raw[i] - y[i]) ** 2;
    return Math.sqrt(sum / y.length);
  },
};

/** y·log(y/μ) with the 0·log 0 = 0 convention of the deviance. */
function yLogRatio(y: number, mu: number): number {
  return y > 0 ? y * Math.log(y / mu) : 0;
}

function poisson(maxDeltaStep: number): ObjectiveFunctions {
  // XGBoost inflates the Poisson hessian by exp(max_delta_step) so early steps stay small.
  const hessianFactor = Math.exp(maxDeltaStep);
  return {
    link: 'exp',
    lossName: 'poisson-deviance',
    baseScore: (y) => Math.log(Math.max(mean(y), 1e-12)),
    gradients(y, raw, grad, hess) {
      for (let i = 0; i < y.length; i += 1) {
        const mu = Math.exp(raw[i]);
        grad[i] = mu - y[i];
        hess[i] = mu * hessianFactor;
      }
    },
    loss(y, raw) {
      let sum = 0;
      for (let i = 0; i < y.length; i += 1) {
        const mu = Math.exp(raw[i]);
        sum += 2 * (yLogRatio(y[i], mu) - (y[i] - mu));
      }
      return sum / y.length;
    },
  };
}

function tweedie(power: number): ObjectiveFunctions {
  const a = 1 - power;
  const b = 2 - power;
  return {
    link: 'exp',
    lossName: 'tweedie-deviance',
    baseScore: (y) => Math.log(Math.max(mean(y), 1e-12)),
    gradients(y, raw, grad, hess) {
      for (let i = 0; i < y.length; i += 1) {
        const ea = Math.exp(a * raw[i]);
        const eb = Math.exp(b * raw[i]);
        grad[i] = -y[i] * ea + eb;
        hess[i] = -y[i] * a * ea + b * eb;
      }
    },
    loss(y, raw) {
      let sum = 0;
      for (let i = 0; i < y.length; i += 1) {
        const mu = Math.exp(raw[i]);
        sum += 2 * (Math.pow(y[i], b) / (a * b) - (y[i] * Math.pow(mu, a)) / a + Math.pow(mu, b) / b);
      }
      return sum / y.length;
    },
  };
}

const logistic: ObjectiveFunctions = {
  link: 'sigmoid',
  lossName: 'logloss',
  baseScore(y) {
    const p = Math.min(Math.max(mean(y), 1e-7), 1 - 1e-7);
    return Math.log(p / (1 - p));
  },
  gradients(y, raw, grad, hess) {
    for (let i = 0; i < y.length; i += 1) {
      const p = 1 / (1 + Math.exp(-raw[i]));
      grad[i] = p - y[i];
      hess[i] = Math.max(p * (1 - p), 1e-16);
    }
  },
  loss(y, raw) {
    let sum = 0;
    for (let i = 0; i < y.length; i += 1) {
      const p = Math.min(Math.max(1 / (1 + Math.exp(-raw[i])), 1e-15), 1 - 1e-15);
      sum -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
    }
    return sum / y.length;
  },
};

/** The objective functions for a GBDT objective name. */
export function objectiveFunctions(objective: Objective, options: { tweediePower: number; maxDeltaStep: number }): ObjectiveFunctions {
  switch (objective) {
    case 'squared':
      return squared;
    case 'poisson':
      return poisson(options.maxDeltaStep);
    case 'tweedie':
      return tweedie(options.tweediePower);
    case 'logistic':
      return logistic;
  }
}
