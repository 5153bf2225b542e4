import { parseFilePrint } from '../../adapters/routeros/routeros-output.js';
import { RouterOsCommandRunner } from '../../adapters/routeros/routeros-command-runner.js';
import { printFileCommand } from '../../adapters/routeros/routeros-commands.js';
import type { RouterOsConfig } from '../../adapters/routeros/routeros-config.js';
import { parseHostKeyPin } from '../../adapters/routeros/routeros-host-key.js';
import { RouterOsSshSession } from '../../adapters/routeros/routeros-ssh-session.js';
import { RouterOsStorageBackend } from '../../adapters/routeros/routeros-storage-backend.js';
import { SystemClock } from '../../adapters/time/system-clock.js';
import { poolOf } from '../../domain/storage-path.js';
import type { Logger } from '../../ports/logger.js';
import type { Config } from '../config.js';
import { ConfigFileError, routerOsConnection } from '../routeros-connection.js';
import type { RouterOsConnection } from '../routeros-connection.js';
import { evaluateBasePath } from './base-path-check.js';
import { checkCommandForms } from './command-forms-check.js';
import { CHECK, fail, pass, skip } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';
import { evaluateFreeSpace } from './free-space-check.js';
import { evaluateHostKey, presentedFingerprintIn } from './host-key-check.js';
import { evaluateRouterOsVersion } from './routeros-version-check.js';

export interface RdsCheckOptions {
  /** The configuration pins no host key (it was parsed with the insecure flag forced, to get this far). */
  readonly pinMissing: boolean;
  /** Bound for TCP connect, SSH handshake and authentication; also for each command. */
  readonly timeoutMs: number;
}

/** A pin no key has: connecting with it fails right after the handshake, naming the presented key. */
const SENTINEL_PIN = `SHA256:${'A'.repeat(43)}`;
const PRIVATE_KEY_UNUSABLE = /configured SSH private key cannot be used/;

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent };

/** The RDS checks in order; each failure turns the checks that depend on it into SKIP lines. */
export async function runRdsChecks(config: Config, options: RdsCheckOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const later = [CHECK.reachable, CHECK.hostKey, CHECK.login, CHECK.version, CHECK.basePath, CHECK.freeSpace, CHECK.commandForms];
  const skipRest = (why: string) => {
    for (const name of later.slice(results.length - configLines(results))) results.push(skip(name, why));
    return results;
  };
  let connection: RouterOsConnection;
  try {
    connection = await routerOsConnection(config);
  } catch (error) {
    if (!(error instanceof ConfigFileError)) throw error;
    results.push(fail(CHECK.config, error.message, 'mount the Secret holding the key where the flag points, readable by the driver'));
    return skipRest('not checked: the configuration is invalid');
  }
  const base = { ...connection.settings, connectAttempts: 1, connectTimeoutMs: options.timeoutMs, commandTimeoutMs: options.timeoutMs };
  const insecure = config.rds.insecureSkipHostKeyCheck && !options.pinMissing;
  const sessions: RouterOsSshSession[] = [];
  const open = (settings: RouterOsConfig) => {
    const session = new RouterOsSshSession(settings, silent, new SystemClock());
    sessions.push(session);
    return session;
  };
  try {
    let expected: string | undefined;
    if (!options.pinMissing && !insecure && base.hostKey !== undefined) {
      try {
        expected = parseHostKeyPin(base.hostKey).fingerprint;
      } catch (error) {
        results.push(fail(CHECK.config, `--rds-host-key: ${(error as Error).message}`, 'give the SHA256:… fingerprint `ssh-keygen -lf` prints, or the key line'));
      }
    }
    const where = `${base.host}:${base.port}`;
    const handshake = await open({ ...base, hostKey: SENTINEL_PIN, insecureSkipHostKeyCheck: false }).connect().then(
      () => undefined,
      (error: Error) => error.message,
    );
    if (handshake !== undefined && PRIVATE_KEY_UNUSABLE.test(handshake)) {
      results.push(fail(CHECK.config, handshake, 'give --rds-key-file an unencrypted OpenSSH or PEM ed25519/RSA private key'));
      return skipRest('not checked: the configuration is invalid');
    }
    const presented = handshake === undefined ? SENTINEL_PIN : presentedFingerprintIn(handshake);
    if (presented === undefined) {
      results.push(fail(CHECK.reachable, handshake ?? 'no answer', `check --rds-address and --rds-port, that SSH is enabled on the RDS (\`/ip service print\`), and firewalls between here and ${where}`));
      return skipRest('not checked: the RDS is not reachable');
    }
    results.push(pass(CHECK.reachable, `SSH server at ${where} answered`));
    const hostKey = evaluateHostKey({ ...(expected === undefined ? {} : { expected }), insecure, presented });
    results.push(hostKey);
    if (hostKey.status === 'FAIL' || configLines(results) > 0) return skipRest('not checked: the host key is not trusted');

    const session = open({ ...base, insecureSkipHostKeyCheck: insecure });
    const login = await session.connect().then(
      () => undefined,
      (error: Error) => error.message,
    );
    if (login !== undefined) {
      results.push(fail(CHECK.login, login, `check that user "${base.username}" exists on the RDS (\`/user print\`) with a group that has the ssh policy, and that its key is imported (\`/user ssh-keys print\`; \`/user ssh-keys import public-key-file=<file> user=${base.username}\`)`));
      return skipRest('not checked: cannot log in');
    }
    results.push(pass(CHECK.login, `logged in as ${base.username}`));
    const backend = new RouterOsStorageBackend(session, silent);
    const probe = await backend.probe();
    results.push(probe.reachable ? evaluateRouterOsVersion(probe.version) : fail(CHECK.version, probe.detail ?? 'no answer', 'see the login check'));
    results.push(await basePathCheck(session, config));
    results.push(await freeSpaceCheck(backend, config));
    results.push(await checkCommandForms(new RouterOsCommandRunner(session, silent), config.volumeBasePath));
    return results;
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
    await connection.embedded?.simulator.stop();
  }
}

const readHint = 'the RDS user needs the read policy: see docs/rds-preparation.md';

async function basePathCheck(session: RouterOsSshSession, config: Config): Promise<CheckResult> {
  try {
    const runner = new RouterOsCommandRunner(session, silent);
    return evaluateBasePath(config.volumeBasePath, await runner.readParsed(printFileCommand(config.volumeBasePath), parseFilePrint));
  } catch (error) {
    return fail(CHECK.basePath, (error as Error).message, readHint);
  }
}

async function freeSpaceCheck(backend: RouterOsStorageBackend, config: Config): Promise<CheckResult> {
  try {
    const { totalBytes, freeBytes } = await backend.capacity(config.volumeBasePath);
    return evaluateFreeSpace(poolOf(config.volumeBasePath), totalBytes, freeBytes);
  } catch (error) {
    const pool = poolOf(config.volumeBasePath);
    return fail(CHECK.freeSpace, (error as Error).message, `the first component of --volume-base-path must be a mounted pool: \`/disk print detail where mount-point="${pool}"\` on the RDS must list it`);
  }
}

function configLines(results: readonly CheckResult[]): number {
  return results.filter((r) => r.name === CHECK.config).length;
}
