import type { HardwareProfile } from '../../protocols/images/profile.js';

/** Where an installed image lives on the device (the unit and config name these; `image install --prefix` relocates them). */
export const DEVICE_PATHS = {
  installDir: '/opt/fleetcast',
  configFile: '/etc/fleetcast/agent.json',
  dataDir: '/var/lib/fleetcast',
  unitFile: '/etc/systemd/system/fleetcast-agent.service',
} as const;

/** Image path of the unit, the default config and the supervisor's boot check. */
export const IMAGE_UNIT = 'system/fleetcast-agent.service';
export const IMAGE_DEFAULT_CONFIG = 'system/agent.default.json';
export const IMAGE_BOOT_CHECK = 'dist/edge-agent/self-update/boot-check.js';
export const IMAGE_ENTRY = 'bin/fleetcast-agent.js';

/**
 * The systemd unit (issue #16). `ExecStartPre` runs the boot check installed beside the slots
 * (not inside one, so a broken image cannot break its own rollback — Mender keeps the same
 * decision in the bootloader): it reverts `current` when a trial slot was started and never
 * marked itself good. `Restart=always` is the supervisor that starts the new slot after the
 * agent exits from an `image-update`. Hardening: no privilege gain, the whole file system
 * read-only except the install and data directories, private /tmp and devices, no kernel or
 * cgroup tuning, native syscalls only. `MemoryDenyWriteExecute` stays off: V8's JIT needs W+X pages.
 */
export function systemdUnit(profile: HardwareProfile, nodeBinary = '/usr/bin/node'): string {
  const { installDir, configFile, dataDir } = DEVICE_PATHS;
  return `[Unit]
Description=fleetcast store agent (${profile.id})
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStartPre=${nodeBinary} ${installDir}/boot-check.mjs ${installDir}
ExecStart=${nodeBinary} ${installDir}/current/${IMAGE_ENTRY} agent --config ${configFile}
Restart=always
RestartSec=2
TimeoutStopSec=30
DynamicUser=no
User=fleetcast
Group=fleetcast
UMask=0077
MemoryMax=${Math.floor(profile.memoryBytes / 2)}
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=${installDir} ${dataDir}
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
LockPersonality=yes
SystemCallArchitectures=native
CapabilityBoundingSet=
AmbientCapabilities=

[Install]
WantedBy=multi-user.target
`;
}

/**
 * The image's default config: everything but the device's identity, which `image install
 * --config` (the output of `fleetcast agent init`) supplies. The profile travels in it, so the
 * agent applies it; an MQTT 5 profile gets the supervised Mosquitto POS broker.
 */
export function defaultConfig(profile: HardwareProfile): Record<string, unknown> {
  return {
    hardwareProfile: profile.id,
    profile,
    dataDir: DEVICE_PATHS.dataDir,
    image: { installDir: DEVICE_PATHS.installDir },
    outboxBudgetBytes: profile.outboxBudgetBytes,
    pos: { host: '0.0.0.0', port: 1883, backend: profile.posBroker, mosquittoBinary: '/usr/sbin/mosquitto' },
  };
}
