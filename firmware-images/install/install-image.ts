import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TrustedKeys } from '../../protocols/bundle/keys.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { verifyImage } from '../../protocols/images/verify-image.js';
import { currentSlot, otherSlot, pointAt, writeBootState, type Slot } from '../../edge-agent/self-update/boot-check.js';
import { writeSlot } from '../../edge-agent/self-update/slot-writer.js';
import { DEVICE_PATHS, IMAGE_BOOT_CHECK, IMAGE_DEFAULT_CONFIG, IMAGE_UNIT } from '../build/service-files.js';

/** Inputs of `fleetcast image install`. */
export interface InstallImageOptions {
  /** The root file system to install into (`/` on the device, a mounted card or a temporary dir). */
  root: string;
  imagePath: string;
  trustedKeys: TrustedKeys;
  /** The device's own config (`fleetcast agent init`), merged over the image's default config. */
  deviceConfig?: Record<string, unknown>;
  /** Where `root` is mounted when the agent runs (default: `root` itself); the unit and config name paths under it. */
  prefix?: string;
  /** The node binary the unit runs. */
  nodeBinary?: string;
}

/** What was installed where. */
export interface InstalledImage {
  version: string;
  profile: string;
  slot: Slot;
  installDir: string;
  configFile: string;
  unitFile: string;
}

/** Moves a device path (`/opt/fleetcast`) under the prefix the root will have at run time. */
function relocate(prefix: string, devicePath: string): string {
  return join(prefix, devicePath);
}

/**
 * Installs a verified image under `root` (issue #16): `opt/fleetcast/slots/{a,b}` with the image
 * in the inactive slot (slot a on a fresh root) marked good, the `current` symlink switched
 * atomically, the boot check beside the slots, the config (image defaults, then the device's
 * config, then the install paths) and the systemd unit. Verification comes first: a tampered
 * image is refused before anything under `root` changes.
 */
export async function installImage(options: InstallImageOptions): Promise<InstalledImage> {
  const image = await verifyImage(options.imagePath, options.trustedKeys);
  const prefix = options.prefix ?? options.root;
  const installDir = join(options.root, DEVICE_PATHS.installDir);
  const configFile = join(options.root, DEVICE_PATHS.configFile);
  const unitFile = join(options.root, DEVICE_PATHS.unitFile);
  const text = (path: string): string => {
    const bytes = image.files.get(path);
    if (!bytes) throw new FleetcastError('FC_ERR_BUNDLE_FILE_MISSING', path, { path });
    return bytes.toString('utf8');
  };
  await mkdir(join(installDir, 'slots'), { recursive: true });
  await mkdir(join(options.root, DEVICE_PATHS.dataDir), { recursive: true });
  const active = await currentSlot(installDir);
  const slot = active ? otherSlot(active) : 'a';
  await writeSlot(join(installDir, 'slots', slot), image);
  await mkdir(join(installDir, 'slots', otherSlot(slot)), { recursive: true });
  await writeBootState(installDir, { formatVersion: 1, good: slot, trial: null, last: null });
  await pointAt(installDir, slot);
  await copyFile(join(installDir, 'slots', slot, IMAGE_BOOT_CHECK), join(installDir, 'boot-check.mjs'));

  const existing = options.deviceConfig ?? await readFile(configFile, 'utf8').then((json) => JSON.parse(json) as Record<string, unknown>, () => ({}));
  const config = {
    ...(JSON.parse(text(IMAGE_DEFAULT_CONFIG)) as Record<string, unknown>),
    ...existing,
    hardwareProfile: image.manifest.profile.id,
    profile: image.manifest.profile,
    dataDir: relocate(prefix, DEVICE_PATHS.dataDir),
    image: { installDir: relocate(prefix, DEVICE_PATHS.installDir) },
  };
  await mkdir(dirname(configFile), { recursive: true });
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });

  let unit = text(IMAGE_UNIT);
  for (const path of [DEVICE_PATHS.configFile, DEVICE_PATHS.installDir, DEVICE_PATHS.dataDir]) unit = unit.split(path).join(relocate(prefix, path));
  if (options.nodeBinary) unit = unit.split('/usr/bin/node ').join(`${options.nodeBinary} `);
  await mkdir(dirname(unitFile), { recursive: true });
  await writeFile(unitFile, unit);
  return { version: image.manifest.version, profile: image.manifest.profile.id, slot, installDir, configFile, unitFile };
}
