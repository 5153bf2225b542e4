import { readFile } from 'node:fs/promises';
import type { EmbeddedRds } from '../../simulator/embedded-rds.js';
import { ROUTEROS_DEFAULTS } from '../adapters/routeros/routeros-config.js';
import { routerOsFileName } from '../adapters/routeros/routeros-file-names.js';
import { quoteRouterOsString } from '../adapters/routeros/routeros-quoting.js';
import type { BasePath } from '../domain/storage-path.js';
import type { RouterOsConfig } from '../adapters/routeros/routeros-config.js';
import { TiB } from '../domain/size.js';
import type { Config } from './config.js';
import { isInlineHostKey } from './rds-material-checks.js';

export interface RouterOsConnection {
  readonly settings: RouterOsConfig;
  /** Present when the simulator runs in this process (--embedded-rds). */
  readonly embedded?: EmbeddedRds;
}

/** A configuration problem found while reading files the configuration names. */
export class ConfigFileError extends Error {}

/**
 * Connection settings for the controller: the in-process simulator's, or the configured RDS's with
 * the private key and pinned host key read from their files. Key material stays in memory only.
 */
export async function routerOsConnection(config: Config): Promise<RouterOsConnection> {
  const limits = {
    maxConcurrentCommands: config.rds.maxCommands,
    connections: config.rds.connections,
    commandTimeoutMs: config.rds.commandTimeoutMs,
    connectTimeoutMs: ROUTEROS_DEFAULTS.connectTimeoutMs,
  };
  if (config.embeddedRds) {
    // Loaded only here: the simulator is a separate appliance, never part of what `serve` loads for a real RDS.
    const { startEmbeddedRds } = await import('../../simulator/embedded-rds.js');
    const embedded = await startEmbeddedRds(config.embeddedRds, TiB);
    await prepareBasePath(embedded, config.volumeBasePath);
    return {
      embedded,
      settings: { host: embedded.host, port: embedded.port, username: 'admin', privateKey: embedded.privateKey, hostKey: embedded.hostKeyFingerprint, insecureSkipHostKeyCheck: false, ...limits },
    };
  }
  const privateKey = await readConfigured(config.rds.keyFile!, '--rds-key-file');
  const hostKey = config.rds.hostKey ? await hostKeyValue(config.rds.hostKey) : undefined;
  return {
    settings: {
      host: config.rds.address!,
      port: config.rds.port,
      username: config.rds.user!,
      privateKey,
      ...(hostKey ? { hostKey } : {}),
      insecureSkipHostKeyCheck: config.rds.insecureSkipHostKeyCheck,
      ...limits,
    },
  };
}

/**
 * Creates the volume base path on the embedded RDS, as an operator does on a real one
 * (docs/rds-preparation.md), so `rds-csi doctor` passes against it. An existing directory, or a base path
 * outside the pool, is left for CreateVolume and doctor to report.
 */
async function prepareBasePath(embedded: EmbeddedRds, basePath: BasePath): Promise<void> {
  await embedded.simulator.execute(`/file add type=directory name=${quoteRouterOsString(routerOsFileName(basePath), 'base path')}`);
}

/** A fingerprint or key line given inline, or else the path of a file holding one. */
async function hostKeyValue(value: string): Promise<string> {
  if (isInlineHostKey(value)) return value.trim();
  return (await readConfigured(value, '--rds-host-key')).trim();
}

async function readConfigured(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
