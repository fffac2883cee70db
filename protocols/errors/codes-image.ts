/** Hardware profiles, agent images and A/B self-update (issue #16). One code per distinct failure. */
export const imageErrors = {
  FC_ERR_IMAGE_PROFILE_UNKNOWN: { message: 'no hardware profile with this id', exitCode: 64 },
  FC_ERR_IMAGE_PROFILE_INVALID: { message: 'hardware profile does not match the profile schema', exitCode: 65 },
  FC_ERR_IMAGE_ARCH_MISMATCH: { message: 'target architecture differs from this host and no prebuilt dependencies for it were given', exitCode: 78 },
  FC_ERR_IMAGE_BUILD_INPUT: { message: 'a file the image needs is missing (compiled agent, dependency or native module)', exitCode: 66 },
  FC_ERR_IMAGE_TOO_LARGE: { message: 'image is larger than half of the profile disk budget (two slots must fit)', exitCode: 73 },
  FC_ERR_IMAGE_PROFILE_MISMATCH: { message: 'image is built for another hardware profile than this device', exitCode: 65 },
  FC_ERR_IMAGE_INSTALL_FAILED: { message: 'image could not be written into its slot', exitCode: 74 },
  FC_ERR_PROFILE_PREFERS_FP32: { message: 'the hardware profile prefers fp32; int8 is not served on this board', exitCode: 65 },
  FC_ERR_IMAGE_TRIAL_UNHEALTHY: { message: 'the new image did not report healthy within its health window; the previous slot returns', exitCode: 75 },
  FC_ERR_IMAGE_TRIAL_REVERTED: { message: 'the last image update did not mark itself good; the previous slot was restored', exitCode: 75 },
  FC_ERR_IMAGE_NOT_INSTALLED: { message: 'this agent does not run from an installed image (no image.installDir or slot layout)', exitCode: 78 },
} as const;
