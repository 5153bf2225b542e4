import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RdsSimulator } from './rds-simulator.js';
import { generateHostKeyText, loadHostKey, publicKeyLine } from './sim-ssh-keys.js';

/** A simulator started in-process for the embedded default, and how to reach it over SSH. */
export interface EmbeddedRds {
  readonly simulator: RdsSimulator;
  readonly host: string;
  readonly port: number;
  /** The client key the driver authenticates with (kept in the data directory). */
  readonly privateKey: string;
  /** Where that key is kept, for other SSH clients (`rds-csi doctor`, ssh). */
  readonly privateKeyPath: string;
  /** The simulator's host key fingerprint, to pin. */
  readonly hostKeyFingerprint: string;
}

/**
 * Starts the RDS simulator on loopback with its state in `dataDir`. The host key and a client key
 * are generated on first start and kept there (mode 0600), so restarts keep the same identities.
 */
export async function startEmbeddedRds(dataDir: string, poolSizeBytes: number): Promise<EmbeddedRds> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const hostKey = await keptKey(join(dataDir, 'ssh_host_ed25519_key'));
  const privateKeyPath = join(dataDir, 'client_ed25519_key');
  const clientKey = await keptKey(privateKeyPath);
  const simulator = await RdsSimulator.start({
    dataDir,
    poolSizeBytes,
    host: '127.0.0.1',
    port: 0,
    hostKey,
    authorizedKeys: [publicKeyLine(loadHostKey(clientKey).parsed)],
  });
  return {
    simulator,
    host: simulator.host,
    port: simulator.port,
    privateKey: clientKey,
    privateKeyPath,
    hostKeyFingerprint: simulator.hostKeyFingerprint(),
  };
}

async function keptKey(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = generateHostKeyText();
  await writeFile(path, key, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return key;
}
