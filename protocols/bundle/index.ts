export * from './manifest.js';
export { canonicalJson } from './canonical-json.js';
export { keyIdOf, parsePublicKeyPem, parsePrivateKeyPem, trustedKeysFromPems, type TrustedKeys } from './keys.js';
export { signManifest, manifestSignatureValid, MANIFEST_FILE, SIGNATURE_FILE } from './signature.js';
export { servingPrecisionSchema, manifestServingChoice, modelFileFor, type ServingPrecision } from './serving-precision.js';
export { goldenSamplesSchema, goldenInputMatrix, withinGoldenTolerance, GOLDEN_FILE, type GoldenSamples } from './golden.js';
export { readBundle, type BundleContents } from './read-bundle.js';
export { verifyBundle, type VerifyOptions, type VerifiedBundle } from './verify-bundle.js';
export { compareSemver } from './agent-version.js';
