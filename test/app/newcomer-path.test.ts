import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListVolumesResponse } from '../../src/generated/csi/csi.js';
import { BUILT_DIR, BUILT_MAIN as main, NODE as node } from '../support/built-driver.js';
import { CsiClient } from '../support/csi-client.js';
import { removeDir, tempDir } from '../support/csi-driver-harness.js';
import { LoopLab } from '../support/loop-lab.js';
import { hasCapSysResource } from '../support/node-harness.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a process and collects its stdout; `waitFor` resolves once the text has appeared. */
function started(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  const child = spawn(command, args, options) as ChildProcessWithoutNullStreams;
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', () => undefined);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const waitFor = async (text: string, ms = 60_000) => {
    const deadline = Date.now() + ms;
    while (!stdout.includes(text)) {
      if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(text)} in:\n${stdout}`);
      await sleep(100);
    }
    return stdout;
  };
  return { child, exited, waitFor, output: () => stdout };
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
const childrenOf = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

describe('rds-csi start: what a newcomer sees, checks and tries', () => {
  let dir: string;
  let driver: ReturnType<typeof started>;
  let banner: string;
  beforeAll(async () => {
    if (!(await LoopLab.available())) throw new Error('the demo stages volumes on loop devices: run as root with losetup');
    dir = await tempDir('rds-csi-newcomer-');
    driver = started(node, [main, 'start'], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
    banner = await driver.waitFor('stop with Ctrl-C');
  }, 90_000);
  afterAll(async () => {
    driver?.child.kill('SIGTERM');
    await driver?.exited;
    await removeDir(dir);
  });

  it('prints the simulator\'s SSH address, host key, key file, the CSI socket, and no csc', () => {
    expect(banner).toMatch(/^rds-csi \d+\.\d+\.\d+\S* is serving CSI \(Identity, Controller, Node\) on unix:\/\/.*\/var\/csi\.sock$/m);
    expect(banner).toMatch(/SSH address\s+127\.0\.0\.1:\d+ \(user admin\)/);
    expect(banner).toMatch(/host key\s+SHA256:[A-Za-z0-9+/]{43}$/m);
    const keyFile = /client key file\s+(\S+)/.exec(banner)![1]!;
    expect(keyFile).toBe(join(dir, 'var/rds/client_ed25519_key'));
    expect(readFileSync(keyFile, 'utf8')).toMatch(/PRIVATE KEY/);
    expect(banner).not.toMatch(/csc/);
  });

  it('prints a doctor command line that passes against the embedded simulator', async () => {
    const line = banner.split('\n').find((l) => / doctor --mode controller /.test(l))!.trim();
    const { stdout } = await run('sh', ['-c', line], { cwd: dir });
    expect(stdout).toMatch(/volume base path/i);
    expect(stdout).not.toMatch(/\bFAIL\b/);
  }, 60_000);

  it('npm run demo drives a whole lifecycle against it, printing each step with its result and time, and leaves nothing behind', async () => {
    const socket = join(dir, 'var/csi.sock');
    const fsType = (await hasCapSysResource()) ? 'ext4' : 'xfs'; // ext4 online growth needs CAP_SYS_RESOURCE
    const { stdout } = await run(node, [join(BUILT_DIR, 'scripts/demo.js'), '--endpoint', `unix://${socket}`, '--fs-type', fsType], { cwd: dir, timeout: 240_000 });
    const steps = stdout.split('\n').filter((l) => /^\s*\d+\. /.test(l));
    expect(steps.map((l) => /^\s*\d+\. (.+?)\s{2,}/.exec(l)?.[1] ?? l)).toEqual([
      'GetPluginInfo', 'NodeGetInfo', 'CreateVolume 1 GiB', 'ControllerPublishVolume', 'NodeStageVolume', 'NodePublishVolume',
      'write a file', 'NodeGetVolumeStats', 'ControllerExpandVolume 2 GiB', 'NodeExpandVolume', 'NodeGetVolumeStats', 'CreateSnapshot',
      'DeleteSnapshot', 'NodeUnpublishVolume', 'NodeUnstageVolume', 'ControllerUnpublishVolume', 'DeleteVolume',
    ]);
    for (const line of steps) expect(line).toMatch(/ \(\d+(\.\d)? ms\)$/);
    expect(stdout).not.toMatch(/FAILED/);
    expect(stdout).toMatch(/grown online to 2 GiB/);
    expect(stdout).toMatch(/To clean up completely: stop the driver .*rm -rf \.\/var/);
    const client = new CsiClient(socket);
    const left = await client.call<object, ListVolumesResponse>(client.controller, 'listVolumes', { maxEntries: 0, startingToken: '' });
    client.close();
    expect(left.entries).toEqual([]);
  }, 300_000);
});

describe('npm start', () => {
  let dir: string;
  /** Every process these tests started, stopped at the end even when an assertion failed midway. */
  const spawned: number[] = [];
  beforeAll(async () => {
    dir = await tempDir('rds-csi-npm-start-');
  });
  afterAll(async () => {
    for (const pid of spawned.reverse()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await removeDir(dir);
  });

  const startWithNpm = async (name: string) => {
    const env = { ...process.env, CSI_ENDPOINT: `unix://${dir}/${name}.sock`, RDS_CSI_EMBEDDED_RDS: join(dir, name, 'rds'), RDS_CSI_NODE_STATE_DIR: join(dir, name, 'node-state') };
    const npm = started('npm', ['start', '--silent'], { cwd: root, env });
    spawned.push(npm.child.pid!);
    await npm.waitFor('stop with Ctrl-C', 120_000);
    // exec: the driver is npm's own child, with no shell in between to swallow a signal.
    const [driverPid, ...others] = childrenOf(npm.child.pid!);
    spawned.push(...childrenOf(npm.child.pid!));
    expect(others).toEqual([]);
    expect(commandLine(driverPid!)).toMatch(/dist\/bundle\/rds-csi\.mjs start\s*$/);
    return { npm, driverPid: driverPid! };
  };
  const gone = async (pid: number, ms: number) => {
    const deadline = Date.now() + ms;
    while (alive(pid) && Date.now() < deadline) await sleep(100);
    return !alive(pid);
  };

  it('execs the driver: SIGTERM to npm\'s PID stops it', async () => {
    const { npm, driverPid } = await startWithNpm('term');
    npm.child.kill('SIGTERM');
    expect(await gone(driverPid, 20_000)).toBe(true);
    await npm.exited;
    expect(existsSync(join(dir, 'term.sock'))).toBe(false);
  }, 180_000);

  it('the driver stops when npm is killed outright and cannot pass a signal on', async () => {
    const { npm, driverPid } = await startWithNpm('kill');
    npm.child.kill('SIGKILL');
    expect(await gone(driverPid, 20_000)).toBe(true);
    expect(existsSync(join(dir, 'kill.sock'))).toBe(false);
  }, 180_000);
});
