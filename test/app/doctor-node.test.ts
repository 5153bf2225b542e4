import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_COMMAND_RUNNER_SETTINGS, SpawnCommandRunner } from '../../src/adapters/process/spawn-command-runner.js';
import { NODE_TOOLS } from '../../src/app/doctor/fs-tools-check.js';
import { runNodeChecks } from '../../src/app/doctor/node-checks.js';
import type { NodeCheckEnvironment } from '../../src/app/doctor/node-checks.js';
import { exitStatusOf } from '../../src/app/doctor/doctor-report.js';
import { hostNodeEnvironment } from '../../src/app/doctor/run-doctor.js';
import { ScriptedCommandRunner } from '../fakes/scripted-command-runner.js';
import { doctor, statuses } from '../support/doctor-harness.js';

const NODE_CHECKS = ['nvme-cli present', 'nvme-tcp module loaded', 'host NQN', 'filesystem tools present', 'kubelet dir mount propagation', 'staged volumes connected'];

/** A fake host: sysfs and proc trees, a host NQN file, a kubelet dir, and scripted host programs. */
interface FakeHost {
  root: string;
  env: NodeCheckEnvironment;
  runner: ScriptedCommandRunner;
}

async function fakeHost(root: string, mountinfoOptional = 'shared:7', missing: readonly string[] = []): Promise<FakeHost> {
  const kubeletDir = join(root, 'var/lib/kubelet');
  await mkdir(join(root, 'sys/module/nvme_tcp'), { recursive: true });
  await mkdir(join(root, 'proc/self'), { recursive: true });
  await mkdir(kubeletDir, { recursive: true });
  await mkdir(join(root, 'etc/nvme'), { recursive: true });
  await writeFile(join(root, 'etc/nvme/hostnqn'), 'nqn.2014-08.org.nvmexpress:uuid:5b1d2f8e-6c1a-4f0e-9d0b-2c3a4b5c6d7e\n');
  await writeFile(
    join(root, 'proc/self/mountinfo'),
    `22 1 0:21 / / rw,relatime shared:1 - overlay overlay rw\n` +
      `90 22 259:2 /var/lib/kubelet ${kubeletDir} rw,relatime ${mountinfoOptional} - ext4 /dev/nvme0n1p2 rw\n`,
  );
  const installed = (program: string, exitCode: number) => (missing.includes(program) ? 127 : exitCode);
  const runner = new ScriptedCommandRunner().on(['nvme', 'version'], { exitCode: installed('nvme', 0), stdout: 'nvme version 2.8\nlibnvme version 1.8\n' });
  for (const tool of NODE_TOOLS) runner.on([tool.argv[0]!], { exitCode: installed(tool.argv[0]!, tool.argv[0] === 'resize2fs' ? 1 : 0) });
  return { root, runner, env: { runner, sysRoot: join(root, 'sys'), procRoot: join(root, 'proc'), hostNqnPath: join(root, 'etc/nvme/hostnqn'), kubeletDir, nodeStateDir: join(root, 'node-state'), timeoutMs: 5_000 } };
}

describe('rds-csi doctor on a node', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'rds-csi-doctor-node-'));
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('passes every node check on a well-prepared host, running each tool without arguments that act', async () => {
    const host = await fakeHost(root);
    const results = await runNodeChecks(host.env);
    expect(statuses(results)).toEqual(NODE_CHECKS.map((n) => `PASS ${n}`));
    expect(results[0]?.detail).toBe('nvme version 2.8');
    expect(results[4]?.detail).toBe(`${host.env.kubeletDir} is shared (shared:7)`);
    expect(host.runner.calls.map((c) => c.argv.join(' '))).toEqual(expect.arrayContaining(['mkfs.ext4 -V', 'mkfs.xfs -V', 'e2fsck -V', 'resize2fs', 'mount --version']));
    expect(host.runner.calls.every((c) => c.options.timeoutMs === 5_000)).toBe(true);
  });

  it('finds nvme_tcp in /proc/modules when sysfs does not show it', async () => {
    const host = await fakeHost(root);
    await rm(join(root, 'sys/module/nvme_tcp'), { recursive: true });
    await writeFile(join(root, 'proc/modules'), 'nvme_fabrics 32768 1 nvme_tcp, Live 0x0\nnvme_tcp 49152 0 - Live 0x0\n');
    expect((await runNodeChecks(host.env))[1]).toMatchObject({ status: 'PASS', detail: expect.stringContaining('modules') });
  });

  it('reports each broken part of a host with its hint', async () => {
    const host = await fakeHost(root, 'master:3', ['nvme', 'mkfs.xfs', 'xfs_growfs']);
    await rm(join(root, 'sys/module/nvme_tcp'), { recursive: true });
    await writeFile(join(root, 'proc/modules'), 'nvme_fabrics 32768 0 - Live 0x0\n');
    await writeFile(host.env.hostNqnPath, 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000000\n');
    const results = await runNodeChecks(host.env);
    expect(statuses(results)).toEqual(['FAIL nvme-cli present', 'FAIL nvme-tcp module loaded', 'WARN host NQN', 'FAIL filesystem tools present', 'FAIL kubelet dir mount propagation', 'PASS staged volumes connected']);
    expect(results[1]?.hint).toContain('modprobe nvme-tcp');
    expect(results[2]?.detail).toMatch(/well-known placeholder/);
    expect(results[2]?.hint).toContain('nvme gen-hostnqn');
    expect(results[3]).toMatchObject({ detail: 'missing: mkfs.xfs, xfs_growfs', hint: expect.stringContaining('xfsprogs') });
    expect(results[4]).toMatchObject({ detail: expect.stringMatching(/slave mount \(HostToContainer\)/), hint: expect.stringContaining('mountPropagation: Bidirectional') });
  });

  it('warns when the host NQN file is missing, and fails when the kubelet dir does not exist', async () => {
    const host = await fakeHost(root);
    await rm(host.env.hostNqnPath);
    const results = await runNodeChecks({ ...host.env, kubeletDir: join(root, 'no/kubelet') });
    expect(results[2]).toMatchObject({ status: 'WARN', detail: expect.stringMatching(/does not exist/) });
    expect(results[4]).toMatchObject({ status: 'FAIL', detail: `${join(root, 'no/kubelet')} does not exist here` });
  });

  it('checks every staged volume: a live controller of its own NQN and its staging mount', async () => {
    const host = await fakeHost(root);
    const staging = (id: string) => join(root, 'var/lib/kubelet/plugins', id, 'globalmount');
    const record = (id: string, fsType?: string) => ({
      volumeId: id, nqn: `nqn.2000-02.com.mikrotik:${id}`, stagingPath: staging(id), publications: [],
      capability: { accessMode: 'SINGLE_NODE_WRITER', accessType: fsType ? { kind: 'mount', fsType, mountFlags: [] } : { kind: 'block' } },
      ...(fsType ? { fsType } : {}),
    });
    await mkdir(join(root, 'node-state'), { recursive: true });
    for (const r of [record('pvc-ok', 'ext4'), record('pvc-block'), record('pvc-reconnecting', 'ext4'), record('pvc-gone', 'xfs')]) {
      await writeFile(join(root, 'node-state', `${r.volumeId}.json`), JSON.stringify(r));
    }
    const controller = async (name: string, id: string, state: string) => {
      await mkdir(join(root, 'sys/class/nvme', name), { recursive: true });
      await writeFile(join(root, 'sys/class/nvme', name, 'subsysnqn'), `nqn.2000-02.com.mikrotik:${id}\n`);
      await writeFile(join(root, 'sys/class/nvme', name, 'state'), `${state}\n`);
    };
    await controller('nvme0', 'pvc-ok', 'live');
    await controller('nvme1', 'pvc-block', 'live');
    await controller('nvme2', 'pvc-reconnecting', 'connecting');
    await writeFile(join(root, 'proc/self/mountinfo'), [staging('pvc-ok'), staging('pvc-reconnecting')].map((p, i) => `${100 + i} 22 259:${i} / ${p} rw - ext4 /dev/nvme${i}n1 rw\n`).join(''));
    const broken = (await runNodeChecks(host.env))[5]!;
    expect(broken.status).toBe('FAIL');
    expect(broken.detail).toContain('pvc-reconnecting: nvme2 is connecting (nqn.2000-02.com.mikrotik:pvc-reconnecting)');
    expect(broken.detail).toContain('pvc-gone: no NVMe controller of nqn.2000-02.com.mikrotik:pvc-gone');
    expect(broken.detail).toContain(`pvc-gone: not mounted at ${staging('pvc-gone')}`);
    expect(broken.detail).not.toMatch(/pvc-ok|pvc-block/);
    await rm(join(root, 'node-state', 'pvc-reconnecting.json'));
    await rm(join(root, 'node-state', 'pvc-gone.json'));
    expect((await runNodeChecks(host.env))[5]).toMatchObject({ status: 'PASS', detail: '2 staged volume(s), each with a live NVMe/TCP controller and its staging mount' });
  });

  it('runs the node checks in node mode only, with the kubelet dir from --kubelet-dir', async () => {
    const host = await fakeHost(root);
    const results = await doctor(['--mode', 'node', '--node-id', 'node-a', '--kubelet-dir', `${host.env.kubeletDir}/`], { node: host.env });
    expect(statuses(results)).toEqual(['PASS configuration valid', ...NODE_CHECKS.map((n) => `PASS ${n}`)]);
    expect(exitStatusOf(results)).toBe(0);
  });

  it('on this machine: the real host programs and files, the nvme-tcp verdict matching the kernel', async () => {
    const env = hostNodeEnvironment(new SpawnCommandRunner(DEFAULT_COMMAND_RUNNER_SETTINGS));
    const results = await runNodeChecks({ ...env, kubeletDir: root, nodeStateDir: join(root, 'node-state') });
    expect(results.map((r) => r.name)).toEqual(NODE_CHECKS);
    const modules = await readFile('/proc/modules', 'utf8').catch(() => '');
    const loaded = existsSync('/sys/module/nvme_tcp') || modules.split('\n').some((l) => l.startsWith('nvme_tcp '));
    if (loaded) expect(results[1]).toMatchObject({ status: 'PASS' });
    else expect(results[1]).toMatchObject({ status: 'FAIL', hint: expect.stringContaining('`modprobe nvme-tcp`') });
    expect(results[3]).toMatchObject({ status: 'PASS' });
  });
});
