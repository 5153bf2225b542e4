import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RdsSimulator } from '../../simulator/rds-simulator.js';
import type { OutputVariants } from '../../simulator/output-variants.js';
import type { RouterOsConfig } from '../../src/adapters/routeros/routeros-config.js';
import { RouterOsSshSession } from '../../src/adapters/routeros/routeros-ssh-session.js';
import { RouterOsStorageBackend } from '../../src/adapters/routeros/routeros-storage-backend.js';
import { SystemClock } from '../../src/adapters/time/system-clock.js';
import { GiB } from '../../src/domain/size.js';
import { RecordingLogger } from './recording-logger.js';
import { ed25519Pair } from './ssh-keys.js';

/** A simulator plus a real SSH session and backend pointed at it, for the adapter's contract tests. */
export interface Harness {
  readonly sim: RdsSimulator;
  readonly dataDir: string;
  readonly clientKey: { private: string; public: string };
  readonly logger: RecordingLogger;
  readonly session: RouterOsSshSession;
  readonly backend: RouterOsStorageBackend;
  readonly config: RouterOsConfig;
}

export const clientKey = ed25519Pair();

export function configFor(sim: RdsSimulator, overrides: Partial<RouterOsConfig> = {}): RouterOsConfig {
  return {
    host: sim.host,
    port: sim.port,
    username: 'metal-csi',
    privateKey: clientKey.private,
    hostKey: sim.hostKeyFingerprint(),
    insecureSkipHostKeyCheck: false,
    maxConcurrentCommands: 4,
    commandTimeoutMs: 10_000,
    connectTimeoutMs: 5_000,
    reconnectBaseMs: 20,
    reconnectMaxMs: 200,
    ...overrides,
  };
}

export function sessionFor(sim: RdsSimulator, overrides: Partial<RouterOsConfig> = {}, logger = new RecordingLogger()) {
  return new RouterOsSshSession(configFor(sim, overrides), logger, new SystemClock());
}

export async function startHarness(
  options: { variants?: Partial<OutputVariants>; config?: Partial<RouterOsConfig>; poolSizeBytes?: number } = {},
): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rds-csi-routeros-'));
  const sim = await RdsSimulator.start({
    dataDir,
    poolSizeBytes: options.poolSizeBytes ?? 64 * GiB,
    authorizedKeys: [clientKey.public],
    ...(options.variants ? { variants: options.variants } : {}),
  });
  const logger = new RecordingLogger();
  const config = configFor(sim, options.config);
  const session = new RouterOsSshSession(config, logger, new SystemClock());
  const backend = new RouterOsStorageBackend(session, logger);
  return { sim, dataDir, clientKey, logger, session, backend, config };
}

export async function stopHarness(h: Harness | undefined): Promise<void> {
  if (!h) return;
  await h.session.close();
  await h.sim.stop();
  await rm(h.dataDir, { recursive: true, force: true });
}
