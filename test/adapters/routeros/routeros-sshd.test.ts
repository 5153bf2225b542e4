import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimState } from '../../../simulator/sim-state.js';
import type { RouterOsConfig } from '../../../src/adapters/routeros/routeros-config.js';
import { RouterOsSshSession } from '../../../src/adapters/routeros/routeros-ssh-session.js';
import { RouterOsStorageBackend } from '../../../src/adapters/routeros/routeros-storage-backend.js';
import { SystemClock } from '../../../src/adapters/time/system-clock.js';
import { BackendUnavailableError } from '../../../src/domain/errors.js';
import { parseVolumeId } from '../../../src/domain/ids.js';
import { nqnForVolume } from '../../../src/domain/nqn.js';
import { GiB, MiB } from '../../../src/domain/size.js';
import { parseBasePath } from '../../../src/domain/storage-path.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { ed25519Pair } from '../../support/ssh-keys.js';

/**
 * The adapter against Debian's real OpenSSH server: sshd runs the RDS simulator once per exec channel as
 * a forced command (`--one-shot` reads SSH_ORIGINAL_COMMAND), all sharing one data dir. This proves the
 * adapter's SSH use (exec channels, exit status, host-key pinning, public-key auth) works with OpenSSH,
 * not only with the ssh2-based simulator server. CI installs openssh-server (.ci/run); without it this
 * test fails on purpose.
 */
const SSHD = '/usr/sbin/sshd';
const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const base = parseBasePath('/storage-pool/metal-csi');
const clientKey = ed25519Pair();

let dir: string | undefined;
let dataDir: string;
let sshd: ChildProcess | undefined;
let sshdLog = '';
let port: number;
let hostFingerprint: string;
let hostPublicLine: string;
const sessions: RouterOsSshSession[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port: free } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return free;
}

/** Compiles only the simulator CLI (as test/rds-simulator/cli.test.ts does) and returns its entry point. */
async function compileSimulator(into: string): Promise<string> {
  const out = join(into, 'dist-sim');
  await writeFile(
    join(into, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { outDir: out, rootDir: root, sourceMap: false, typeRoots: [join(root, 'node_modules/@types')] },
      include: [],
      files: [join(root, 'simulator/main.ts')],
    }),
  );
  await run(join(root, 'node_modules/.bin/tsc'), ['-p', join(into, 'tsconfig.json')], { cwd: root });
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  await symlink(join(root, 'node_modules'), join(out, 'node_modules'));
  return join(out, 'simulator/main.js');
}

function startSshd(config: string): Promise<ChildProcess> {
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`sshd did not start listening within 5 s:\n${sshdLog}`)), 5_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      sshdLog += chunk.toString();
      if (/Server listening on 127\.0\.0\.1 port/.test(sshdLog)) {
        clearTimeout(timer);
        done(child);
      }
    });
    child.on('error', (error) => fail(new Error(`cannot start ${SSHD}: ${error.message}`)));
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`sshd exited with ${code} before listening:\n${sshdLog}`));
    });
  });
}

beforeAll(async () => {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} is missing: install Debian's openssh-server (apt-get install -y openssh-server; .ci/run does it)`);
  }
  dir = await mkdtemp(join(tmpdir(), 'rds-csi-sshd-'));
  dataDir = join(dir, 'data');
  const cli = await compileSimulator(dir);
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rds-csi-test-host', '-f', hostKey]);
  hostFingerprint = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`])).stdout.split(' ')[1]!;
  hostPublicLine = (await readFile(`${hostKey}.pub`, 'utf8')).trim();
  const node = join(root, 'node_modules/.bin/node');
  const forced = `${node} ${cli} --one-shot --data-dir ${dataDir} --pool-size 10G`;
  await writeFile(join(dir, 'authorized_keys'), `command="${forced}",no-pty,no-port-forwarding ${clientKey.public}\n`);
  port = await freePort();
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${hostKey}`, `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'UsePAM no', 'StrictModes no',
      'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes', 'MaxSessions 10', 'LogLevel INFO', '',
    ].join('\n'),
  );
  if (userInfo().uid === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation dir
  sshd = await startSshd(config);
}, 30_000);

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  const child = sshd;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

function backendWith(overrides: Partial<RouterOsConfig> = {}): RouterOsStorageBackend {
  const logger = new RecordingLogger();
  const config: RouterOsConfig = {
    host: '127.0.0.1',
    port,
    username: userInfo().username,
    privateKey: clientKey.private,
    hostKey: hostFingerprint,
    insecureSkipHostKeyCheck: false,
    maxConcurrentCommands: 4,
    commandTimeoutMs: 10_000,
    connectTimeoutMs: 5_000,
    connectAttempts: 1,
    ...overrides,
  };
  const session = new RouterOsSshSession(config, logger, new SystemClock());
  sessions.push(session);
  return new RouterOsStorageBackend(session, logger);
}

const state = async (): Promise<SimState> => JSON.parse(await readFile(join(dataDir, 'state.json'), 'utf8')) as SimState;
const localFile = (routerOsPath: string) => join(dataDir, 'files', routerOsPath.replace(/^\//, ''));
const refusedId = parseVolumeId('pvc-refused');
const refusedSpec = { id: refusedId, sizeBytes: GiB, basePath: base, nvme: { port: 4420, nqn: nqnForVolume(refusedId) } };
const fileSize = async (routerOsPath: string) => (await stat(localFile(routerOsPath))).size;

describe('RouterOsStorageBackend through Debian OpenSSH to the simulator as a forced command', () => {
  it('creates, lists, resizes, snapshots and deletes, leaving the state in the simulator data dir', async () => {
    const backend = backendWith();
    const id = parseVolumeId('pvc-openssh-1');
    const volume = await backend.createVolume({ id, sizeBytes: GiB + 1, basePath: base, nvme: { port: 4420, nqn: nqnForVolume(id) } });
    expect(volume).toEqual({ id, sizeBytes: 1025 * MiB, filePath: `${base}/${id}.img`, nvme: { port: 4420, nqn: nqnForVolume(id) } });
    expect((await state()).disks).toMatchObject([{ slot: id, filePath: volume.filePath, sizeBytes: 1025 * MiB, nvmeExport: { port: 4420 } }]);
    expect(await fileSize(volume.filePath)).toBe(1025 * MiB);
    expect(await backend.listVolumes(base)).toEqual([volume]);

    expect((await backend.resizeVolume(id, 2 * GiB)).sizeBytes).toBe(2 * GiB);
    expect((await state()).disks[0]).toMatchObject({ slot: id, sizeBytes: 2 * GiB });
    expect(await fileSize(volume.filePath)).toBe(2 * GiB);

    const snapId = parseVolumeId('snap-openssh-1');
    const snap = await backend.createSnapshot({ id: snapId, sourceVolumeId: id, basePath: base, createdAt: 1_739_800_000_000 });
    expect(snap).toMatchObject({ id: snapId, sizeBytes: 2 * GiB, sourceVolumeId: id, createdAt: 1_739_800_000_000 });
    const snapDisk = (await state()).disks.find((d) => d.slot === snapId);
    expect(snapDisk).toMatchObject({ filePath: snap.filePath, sizeBytes: 2 * GiB });
    expect(snapDisk?.nvmeExport).toBeUndefined();
    expect(await fileSize(snap.filePath)).toBe(2 * GiB);

    await backend.deleteSnapshot(snapId, base);
    await backend.deleteVolume(id, base);
    expect((await state()).disks).toEqual([]);
    expect(existsSync(localFile(volume.filePath))).toBe(false);
    expect(existsSync(localFile(snap.filePath))).toBe(false);
    expect(await backend.listVolumes(base)).toEqual([]);
    expect(await backend.probe()).toEqual({ reachable: true, version: '7.16' });
  }, 30_000);

  it('accepts the host key pinned as its public key line', async () => {
    expect(await backendWith({ hostKey: hostPublicLine }).probe()).toEqual({ reachable: true, version: '7.16' });
  });

  it('refuses to talk to sshd when the pinned host key is another one', async () => {
    const error = await backendWith({ hostKey: ed25519Pair().public }).createVolume(refusedSpec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain(`host key mismatch for RouterOS at 127.0.0.1:${port}`);
    expect((error as Error).message).toContain(`presented ${hostFingerprint}`);
    expect((await state()).disks.map((d) => d.slot)).not.toContain(refusedSpec.id);
  });

  it('is refused by sshd with a client key that is not authorized', async () => {
    const error = await backendWith({ privateKey: ed25519Pair().private }).createVolume(refusedSpec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain(`RouterOS at 127.0.0.1:${port} rejected SSH public-key authentication`);
    expect((await state()).disks.map((d) => d.slot)).not.toContain(refusedSpec.id);
  });
});
