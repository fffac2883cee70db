/** ONNX export, quantization and signed bundles (issue #4). */
export const bundleErrors = {
} as const;
