import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { runDriver } from '../../src/app/driver.js';
import type { RunningDriver } from '../../src/app/driver.js';
import { parseConfig } from '../../src/app/parse-config.js';
import { CsiClient } from './csi-client.js';
import type { FakeKubeApi } from './fake-kube-api/fake-kube-api.js';
import { RecordingLogger } from './recording-logger.js';

export interface DriverUnderTest {
  readonly driver: RunningDriver;
  readonly client: CsiClient;
  readonly logger: RecordingLogger;
  readonly dir: string;
  stop(): Promise<void>;
}

export async function tempDir(prefix = 'rds-csi-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * Runs the real driver in this process, configured through the real flag parser, and connects a CSI
 * client to its socket. By default: mode all, embedded simulator, memory store, node ID node-1.
 */
export async function startDriver(options: { dir?: string; flags?: string[]; kube?: FakeKubeApi } = {}): Promise<DriverUnderTest> {
  const dir = options.dir ?? (await tempDir());
  const flags = [
    '--endpoint', `unix://${join(dir, 'csi.sock')}`,
    '--mode', 'all',
    '--node-id', 'node-1',
    '--volume-base-path', '/storage-pool/csi',
    '--attachment-store', options.kube ? 'kubernetes' : 'memory',
    ...(options.flags ?? ['--embedded-rds', join(dir, 'rds')]),
  ];
  const parsed = parseConfig(flags, {}, 'test-host');
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const logger = new RecordingLogger();
  const driver = await runDriver(parsed.config, {
    logger,
    graceMs: 2_000,
    ...(options.kube ? { kubeClients: KubeClients.fromOptions(options.kube.kubeConfigOptions()) } : {}),
  });
  const client = new CsiClient(driver.socketPath);
  return {
    driver,
    client,
    logger,
    dir,
    stop: async () => {
      client.close();
      await driver.stop();
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
