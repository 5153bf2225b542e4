import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RdsSimulator } from '../../simulator/rds-simulator.js';
import type { CheckResult } from '../../src/app/doctor/doctor-check.js';
import { runDoctor } from '../../src/app/doctor/run-doctor.js';
import type { DoctorEnvironment } from '../../src/app/doctor/run-doctor.js';
import { GiB } from '../../src/domain/size.js';
import { ScriptedCommandRunner } from '../fakes/scripted-command-runner.js';
import { clientKey } from './routeros-sim-harness.js';

/** A simulator plus a client key file, and `rds-csi doctor` flags pointing at them. */
export interface DoctorLab {
  readonly sim: RdsSimulator;
  readonly dir: string;
  readonly keyFile: string;
  /** Flags for a correct controller-mode setup; `overrides` replace or (value undefined) drop flags. */
  flags(overrides?: Record<string, string | undefined>): string[];
  /** Creates the default base directory the way the driver would: a disk file inside it. */
  seedBaseDirectory(): Promise<void>;
}

export async function startDoctorLab(options: { routerOsVersion?: string; poolSizeBytes?: number } = {}): Promise<DoctorLab> {
  const dir = await mkdtemp(join(tmpdir(), 'rds-csi-doctor-'));
  const sim = await RdsSimulator.start({
    dataDir: join(dir, 'rds'),
    poolSizeBytes: options.poolSizeBytes ?? 64 * GiB,
    authorizedKeys: [clientKey.public],
    ...(options.routerOsVersion ? { routerOsVersion: options.routerOsVersion } : {}),
  });
  const keyFile = join(dir, 'id_ed25519');
  await writeFile(keyFile, clientKey.private, { mode: 0o600 });
  return {
    sim,
    dir,
    keyFile,
    flags(overrides = {}) {
      const values: Record<string, string | undefined> = {
        mode: 'controller',
        'rds-address': sim.host,
        'rds-port': String(sim.port),
        'rds-user': 'metal-csi',
        'rds-key-file': keyFile,
        'rds-host-key': sim.hostKeyFingerprint(),
        'volume-base-path': '/storage-pool/metal-csi',
        ...overrides,
      };
      return Object.entries(values).flatMap(([flag, value]) => (value === undefined ? [] : value === '' ? [`--${flag}`] : [`--${flag}`, value]));
    },
    async seedBaseDirectory() {
      const result = await sim.execute('/disk add type=file file-path=/storage-pool/metal-csi/seed.img file-size=1M slot=seed');
      if (result.exitCode !== 0) throw new Error(`seeding failed: ${result.stdout}`);
    },
  };
}

export async function stopDoctorLab(lab: DoctorLab | undefined): Promise<void> {
  if (!lab) return;
  await lab.sim.stop();
  await rm(lab.dir, { recursive: true, force: true });
}

/** Runs the doctor in-process with an empty environment; node checks get a runner that fails loudly. */
export function doctor(argv: readonly string[], environment: Partial<DoctorEnvironment> = {}): Promise<CheckResult[]> {
  return runDoctor(argv, {
    env: {},
    hostname: 'node-a',
    node: { runner: new ScriptedCommandRunner(), sysRoot: '/nonexistent/sys', procRoot: '/nonexistent/proc', hostNqnPath: '/nonexistent/hostnqn', timeoutMs: 5_000 },
    rdsTimeoutMs: 5_000,
    ...environment,
  });
}

/** `STATUS name` of each line, for compact assertions. */
export function statuses(results: readonly CheckResult[]): string[] {
  return results.map((r) => `${r.status} ${r.name}`);
}
