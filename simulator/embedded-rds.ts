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
 * are generated on first start and kept there (mode 0600), so restarts keep the same identities, and
 * so is the SSH port: a restart listens where the last run did (a doctor line or client set up
 * against it keeps working), or on a fresh port when that one is taken.
 */
export async function startEmbeddedRds(dataDir: string, poolSizeBytes: number): Promise<EmbeddedRds> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const hostKey = await keptKey(join(dataDir, 'ssh_host_ed25519_key'));
  const privateKeyPath = join(dataDir, 'client_ed25519_key');
  const clientKey = await keptKey(privateKeyPath);
  const options = { dataDir, poolSizeBytes, host: '127.0.0.1', hostKey, authorizedKeys: [publicKeyLine(loadHostKey(clientKey).parsed)] };
  const portFile = join(dataDir, 'ssh_port');
  const kept = Number((await readFile(portFile, 'utf8').catch(() => '')).trim());
  const keptPort = Number.isInteger(kept) && kept > 0 && kept < 65536 ? kept : 0;
  const simulator = await RdsSimulator.start({ ...options, port: keptPort }).catch((error: unknown) => {
    if (keptPort === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return RdsSimulator.start({ ...options, port: 0 });
  });
  if (simulator.port !== keptPort) await writeFile(portFile, `${simulator.port}\n`);
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
