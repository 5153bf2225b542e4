import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RdsSimulator } from '../../../simulator/rds-simulator.js';
import { CommandDeliveryError } from '../../../src/adapters/routeros/routeros-delivery-error.js';
import type { RouterOsConfig } from '../../../src/adapters/routeros/routeros-config.js';
import type { RouterOsSshSession } from '../../../src/adapters/routeros/routeros-ssh-session.js';
import { AbortedByCallerError, BackendUnavailableError, InvalidArgumentError } from '../../../src/domain/errors.js';
import { GiB } from '../../../src/domain/size.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { clientKey, sessionFor } from '../../support/routeros-sim-harness.js';
import { ed25519Pair } from '../../support/ssh-keys.js';

const rsaKey = utils.generateKeyPairSync('rsa', { bits: 2048 });
const lockedKey = ed25519Pair({ passphrase: 'correct horse', cipher: 'aes256-cbc', rounds: 4 });
const strangerKey = ed25519Pair();
const otherHost = ed25519Pair();
const keyBody = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----'))[1]!;

let sim: RdsSimulator;
let dataDir: string;
const sessions: RouterOsSshSession[] = [];
function open(overrides: Partial<RouterOsConfig> = {}, logger = new RecordingLogger()) {
  const session = sessionFor(sim, overrides, logger);
  sessions.push(session);
  return { session, logger };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'rds-csi-session-'));
  sim = await RdsSimulator.start({
    dataDir,
    poolSizeBytes: 8 * GiB,
    authorizedKeys: [clientKey.public, rsaKey.public, lockedKey.public],
  });
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await sim.faults.reset();
  sim.clearLog();
});
afterAll(async () => {
  await sim.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('RouterOsSshSession against the simulator', () => {
  it('connects lazily on the first command and runs it on an exec channel', async () => {
    const { session, logger } = open();
    expect(session.state).toBe('idle');
    const result = await session.run('/system resource print');
    expect(session.state).toBe('connected');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('version: 7.16');
    expect(sim.commandLog().map((c) => c.command)).toEqual(['/system resource print']);
    expect(logger.at('info').map((l) => l.message)).toContain('connected to RouterOS');
  });

  it('authenticates with RSA and with a passphrase-protected key', async () => {
    expect((await open({ privateKey: rsaKey.private }).session.run('/system resource print')).exitCode).toBe(0);
    const locked = open({ privateKey: lockedKey.private, passphrase: 'correct horse' }).session;
    expect((await locked.run('/system resource print')).exitCode).toBe(0);
  });

  it('pins the host key as an authorized_keys line as well as a fingerprint', async () => {
    const { session } = open({ hostKey: `${sim.hostPublicKeyLine()} rds@lab` });
    expect((await session.run('/system resource print')).exitCode).toBe(0);
  });

  it('refuses a host key that does not match, showing expected and presented fingerprints', async () => {
    const wrong = `${otherHost.public}`;
    const { session, logger } = open({ hostKey: wrong });
    const error = await session.run('/system resource print').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    const message = (error as Error).message;
    expect(message).toMatch(/host key mismatch/);
    expect(message).toContain(`presented ${sim.hostKeyFingerprint()}`);
    expect(message).toMatch(/expected SHA256:[A-Za-z0-9+/]{43}/);
    expect(sim.commandLog()).toEqual([]);
    expect(logger.at('warn').filter((l) => l.message === 'RouterOS connection attempt failed')).toHaveLength(1);
  });

  it('refuses to connect when no host key is pinned and insecure mode is off', async () => {
    const { session } = open({ hostKey: undefined });
    await expect(session.run('/system resource print')).rejects.toThrow(/no host key is pinned/);
    expect(sim.commandLog()).toEqual([]);
  });

  it('connects without a pin in insecure mode and warns at every connect', async () => {
    const { session, logger } = open({ hostKey: undefined, insecureSkipHostKeyCheck: true });
    await session.run('/system resource print');
    sim.faults.dropConnectionDuring(1);
    await expect(session.run('/system resource print')).rejects.toBeInstanceOf(CommandDeliveryError);
    await session.run('/system resource print');
    expect(session.reconnectCount).toBe(1);
    expect(logger.at('warn').filter((l) => /host key is not verified/.test(l.message))).toHaveLength(2);
  });

  it('reports rejected credentials, and never puts key material in errors or logs', async () => {
    const { session, logger } = open({ privateKey: strangerKey.private });
    await expect(session.run('/system resource print')).rejects.toThrow(/rejected SSH public-key authentication/);
    const wrongPass = open({ privateKey: lockedKey.private, passphrase: 'wrong' }, logger).session;
    const error = (await wrongPass.run('/system resource print').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/private key cannot be used/);
    for (const secret of [keyBody(strangerKey.private), keyBody(lockedKey.private), 'wrong', 'correct horse']) {
      expect(logger.text()).not.toContain(secret);
      expect(error.message).not.toContain(secret);
    }
  });

  it('rejects with BackendUnavailableError when the port is closed', async () => {
    const { session, logger } = open({ port: 1, connectAttempts: 2 });
    const error = await session.run('/system resource print').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandDeliveryError);
    expect((error as CommandDeliveryError).delivery).toBe('not-sent');
    expect((error as Error).message).toMatch(/refused the TCP connection/);
    expect(logger.at('warn').filter((l) => l.message === 'RouterOS connection attempt failed')).toHaveLength(2);
  });

  it('gives up on a server that accepts TCP but never completes the SSH handshake', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const { session } = open({ port, connectTimeoutMs: 300, connectAttempts: 1 });
      await expect(session.run('/system resource print')).rejects.toThrow(/did not complete the SSH handshake within 300 ms/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('times out a command that gets no answer, closes its channel, and keeps working', async () => {
    const { session } = open({ commandTimeoutMs: 300 });
    await session.run('/system resource print');
    sim.faults.hang(1);
    const error = await session.run('/disk print detail').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandDeliveryError);
    expect(error).toMatchObject({ failure: 'timeout', delivery: 'uncertain' });
    expect((await session.run('/system resource print')).exitCode).toBe(0);
  });

  it('aborts: a command not yet sent is never sent, one in flight is abandoned', async () => {
    const { session } = open();
    const before = new AbortController();
    before.abort();
    await expect(session.run('/disk print detail', { signal: before.signal })).rejects.toBeInstanceOf(AbortedByCallerError);
    expect(sim.commandLog()).toEqual([]);
    sim.faults.hang(1);
    const during = new AbortController();
    const pending = session.run('/disk print detail', { signal: during.signal });
    setTimeout(() => during.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(AbortedByCallerError);
  });

  it('waits for a free channel when RouterOS refuses extra channels (8 commands, 4 permits, 2 channels)', async () => {
    const { session, logger } = open({ maxConcurrentCommands: 4 });
    await session.run('/system resource print');
    sim.faults.setMaxChannels(2);
    sim.faults.setLatency(50);
    const results = await Promise.all(Array.from({ length: 8 }, () => session.run('/system resource print')));
    expect(results.every((r) => r.exitCode === 0)).toBe(true);
    expect(logger.at('debug').some((l) => /refused a command channel/.test(l.message))).toBe(true);
  });

  it('reconnects after the connection drops mid-command; the interrupted command is reported, not re-sent', async () => {
    const { session } = open();
    await session.run('/system resource print');
    sim.clearLog();
    sim.faults.dropConnectionDuring(1);
    const error = await session.run('/disk print detail').catch((e: unknown) => e);
    expect(error).toMatchObject({ failure: 'connection-lost', delivery: 'uncertain' });
    expect((await session.run('/disk print detail')).exitCode).toBe(0);
    expect(session.reconnectCount).toBe(1);
    expect(sim.commandLog().map((c) => c.command)).toEqual(['/disk print detail', '/disk print detail']);
  });

  it('refuses to send a command containing a line break or non-printable characters', async () => {
    const { session } = open();
    for (const bad of ['/disk print\n/system reset', '/disk print\r', '/disk print \u0000', '']) {
      await expect(session.run(bad)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(sim.commandLog()).toEqual([]);
  });

  it('after close() no command is sent', async () => {
    const { session } = open();
    await session.run('/system resource print');
    await session.close();
    expect(session.state).toBe('closed');
    await expect(session.run('/system resource print')).rejects.toBeInstanceOf(BackendUnavailableError);
  });
});
