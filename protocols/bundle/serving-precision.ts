import { z } from 'zod';

/**
 * Which graph of a bundle serves on a device, and — when the bundle shipped int8 but fp32
 * serves — the coded reason (issue #10): the int8 golden samples failed on this CPU
 * (FC_ERR_INT8_GOLDEN_FAILED) or the bundle's int8 is not saturation-free by construction
 * (FC_ERR_INT8_UNSAFE_QUANTIZATION). A device never rolls a bundle back for its int8 alone.
 */
export const servingPrecisionSchema = z.object({
  precision: z.enum(['fp32', 'int8']),
  fallback: z.object({ code: z.string().regex(/^FC_ERR_[A-Z0-9_]+$/), detail: z.string().max(1000) }).nullable(),
});
export type ServingPrecision = z.infer<typeof servingPrecisionSchema>;
