import { z } from 'zod';

/**
 * In-memory and on-disk form of trained models: what the learners (`model-packager/train/`)
 * produce, what the ONNX writer (`model-packager/export/`) reads, and what parity checks
 * compare against. Raw score → prediction goes through `link` (identity for squared error,
 * exp for Poisson/Tweedie, sigmoid for logistic).
 */
export const linkSchema = z.enum(['identity', 'exp', 'sigmoid']);
export type Link = z.infer<typeof linkSchema>;

export const objectiveSchema = z.enum(['squared', 'poisson', 'tweedie', 'logistic']);
export type Objective = z.infer<typeof objectiveSchema>;

/**
 * One regression tree in flat arrays (node i: `feature[i] = -1` marks a leaf). Internal
 * nodes send a row left when `x[feature] <= threshold` (ONNX BRANCH_LEQ), and a missing
 * value (NaN) left when `missingGoesLeft[i]`. Leaf values already include the learning rate.
 */
export const treeSchema = z.object({
  feature: z.array(z.number().int().min(-1)),
  threshold: z.array(z.number()),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  missingGoesLeft: z.array(z.boolean()),
  value: z.array(z.number()),
  /**
   * Loss reduction of each internal node's split (0 for leaves), for gain importance (issue
   * #12: split counts are not importance). Absent in models trained before #12.
   */
  gain: z.array(z.number()).optional(),
});
export type Tree = z.infer<typeof treeSchema>;

export const gbdtModelSchema = z.object({
  kind: z.literal('gbdt'),
  objective: objectiveSchema,
  tweediePower: z.number().min(1).max(2).optional(),
  link: linkSchema,
  /** Raw-score intercept added to every row before the link. */
  baseScore: z.number(),
  featureNames: z.array(z.string()).min(1),
  trees: z.array(treeSchema),
});
export type GbdtModel = z.infer<typeof gbdtModelSchema>;

/** Inputs of the MLP and linear models: names, standardisation and missing-value imputation. */
const standardisedInputFields = {
  featureNames: z.array(z.string()).min(1),
  /** Standardisation (x − mean) / std applied inside the exported graph. */
  inputMean: z.array(z.number()),
  inputStd: z.array(z.number()),
  /**
   * Value substituted for a missing (NaN) input before standardisation (issue #3: the learners
   * impute training means). Absent in older models: then `inputMean` is used, i.e. the same.
   */
  inputImpute: z.array(z.number()).optional(),
};

/** Dense layer: `weights[out][in]`. Input standardisation happens before the first layer. */
export const denseLayerSchema = z.object({
  weights: z.array(z.array(z.number())),
  bias: z.array(z.number()),
  activation: z.enum(['relu', 'identity']),
});
export type DenseLayer = z.infer<typeof denseLayerSchema>;

export const mlpModelSchema = z.object({
  kind: z.literal('mlp'),
  objective: objectiveSchema,
  link: linkSchema,
  ...standardisedInputFields,
  /** Raw output is `outputScale · y + outputOffset` before the link (target scaling). */
  outputScale: z.number(),
  outputOffset: z.number(),
  layers: z.array(denseLayerSchema).min(1),
});
export type MlpModel = z.infer<typeof mlpModelSchema>;

export const linearModelSchema = z.object({
  kind: z.literal('linear'),
  objective: objectiveSchema,
  link: linkSchema,
  ...standardisedInputFields,
  /** Coefficients on the standardised inputs. */
  coefficients: z.array(z.number()),
  intercept: z.number(),
});
export type LinearModel = z.infer<typeof linearModelSchema>;

export const trainedModelSchema = z.discriminatedUnion('kind', [gbdtModelSchema, mlpModelSchema, linearModelSchema]);
export type TrainedModel = z.infer<typeof trainedModelSchema>;
