import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListSubsys } from '../../../src/adapters/nvme/list-subsys-parser.js';
import { isManagedNqn, parseManagedNqnPrefix } from '../../../src/adapters/nvme/managed-nqn-prefix.js';
import { nvmeConnectArgs } from '../../../src/adapters/nvme/nvme-connect-args.js';
import { namespaceDeviceName, SysfsNvmeResolver } from '../../../src/adapters/nvme/sysfs-nvme-resolver.js';
import { HostCommandError, InvalidArgumentError } from '../../../src/domain/errors.js';
import { parseNqn } from '../../../src/domain/nqn.js';

const fixture = (name: string) => readFile(new URL(`../../fixtures/nvme/${name}`, import.meta.url), 'utf8');

describe('parseListSubsys', () => {
  it('reads nvme-cli 2.x output: subsystems of every host, with paths', async () => {
    const listed = parseListSubsys(await fixture('list-subsys-2x.json'));
    expect(listed.map((s) => s.nqn)).toEqual([
      'nqn.2024-01.org.nixos:node-7-root',
      'nqn.2000-02.com.mikrotik:pvc-10',
      'nqn.2000-02.com.mikrotik:pvc-11',
    ]);
    expect(listed[2]).toEqual({
      nqn: 'nqn.2000-02.com.mikrotik:pvc-11',
      name: 'nvme-subsys2',
      paths: [{ name: 'nvme2', transport: 'tcp', address: 'traddr=10.42.0.5,trsvcid=4420,src_addr=10.42.0.77', state: 'connecting' }],
    });
    expect(parseListSubsys(await fixture('list-subsys-2x-two-hosts.json')).map((s) => s.nqn)).toEqual([
      'nqn.2000-02.com.mikrotik:pvc-a',
      'nqn.2000-02.com.mikrotik:pvc-b',
    ]);
  });

  it('reads nvme-cli 1.x output (Debian and Ubuntu LTS of old), paths optional', async () => {
    const listed = parseListSubsys(await fixture('list-subsys-1x.json'));
    expect(listed).toEqual([
      { nqn: 'nqn.2000-02.com.mikrotik:pvc-1', name: 'nvme-subsys0', paths: [] },
      {
        nqn: 'nqn.2000-02.com.mikrotik:pvc-2',
        name: 'nvme-subsys1',
        paths: [{ name: 'nvme1', transport: 'tcp', address: 'traddr=10.42.0.5,trsvcid=4420', state: 'live' }],
      },
    ]);
  });

  it('reads "nothing connected" in every shape', async () => {
    expect(parseListSubsys(await fixture('list-subsys-2x-empty.json'))).toEqual([]);
    expect(parseListSubsys(await fixture('list-subsys-1x-empty.json'))).toEqual([]);
    expect(parseListSubsys('')).toEqual([]);
    expect(parseListSubsys('[{"HostNQN":"nqn.x","Subsystems":[]}]')).toEqual([]);
  });

  it('rejects output that is not JSON instead of guessing (the text "No NVMe subsystems" is not an answer)', () => {
    expect(() => parseListSubsys('No NVMe subsystems')).toThrow(HostCommandError);
  });
});

describe('managed NQN prefix', () => {
  it('requires a prefix that names an authority and a ":"', () => {
    expect(parseManagedNqnPrefix('nqn.2000-02.com.mikrotik:')).toBe('nqn.2000-02.com.mikrotik:');
    expect(parseManagedNqnPrefix('nqn.2000-02.com.mikrotik:pvc-')).toBe('nqn.2000-02.com.mikrotik:pvc-');
    for (const bad of [undefined, '', 'nqn.', 'nqn.2000-02.com.mikrotik', 'nqn.2000-02.com.MikroTik:', ' nqn.2000-02.com.mikrotik:']) {
      expect(() => parseManagedNqnPrefix(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('matches by prefix and never the bare prefix itself', () => {
    const prefix = 'nqn.2000-02.com.mikrotik:pvc-';
    expect(isManagedNqn('nqn.2000-02.com.mikrotik:pvc-1', prefix)).toBe(true);
    expect(isManagedNqn('nqn.2000-02.com.mikrotik:pvc-', prefix)).toBe(false);
    expect(isManagedNqn('nqn.2000-02.com.mikrotik:snap-1', prefix)).toBe(false);
    expect(isManagedNqn('nqn.2024-01.org.nixos:node-7-root', prefix)).toBe(false);
  });
});

describe('nvme connect argument vector', () => {
  const nqn = parseNqn('nqn.2000-02.com.mikrotik:pvc-1');

  it('builds the minimal and the full command', () => {
    expect(nvmeConnectArgs({ address: '10.42.0.5', port: 4420, nqn })).toEqual(
      ['nvme', 'connect', '-t', 'tcp', '-a', '10.42.0.5', '-s', '4420', '-n', nqn],
    );
    expect(
      nvmeConnectArgs({ address: 'fd00::5', port: 4420, nqn, ctrlLossTmo: -1, reconnectDelay: 5, keepAliveTmo: 30 }, 'nqn.2014-08.org.nvmexpress:uuid:abc'),
    ).toEqual([
      'nvme', 'connect', '-t', 'tcp', '-a', 'fd00::5', '-s', '4420', '-n', nqn,
      '-l', '-1', '-c', '5', '-k', '30', '-q', 'nqn.2014-08.org.nvmexpress:uuid:abc',
    ]);
  });

  it('refuses values that could smuggle options or are out of range', () => {
    const base = { address: '10.42.0.5', port: 4420, nqn };
    expect(() => nvmeConnectArgs({ ...base, address: '-o evil' })).toThrow(InvalidArgumentError);
    expect(() => nvmeConnectArgs({ ...base, address: '10.0.0.1;id' })).toThrow(InvalidArgumentError);
    expect(() => nvmeConnectArgs({ ...base, port: 0 })).toThrow(InvalidArgumentError);
    expect(() => nvmeConnectArgs({ ...base, nqn: parseNqnUnchecked('--help') })).toThrow(InvalidArgumentError);
    expect(() => nvmeConnectArgs({ ...base, ctrlLossTmo: -2 })).toThrow(InvalidArgumentError);
    expect(() => nvmeConnectArgs({ ...base, reconnectDelay: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => nvmeConnectArgs({ ...base, keepAliveTmo: 0 })).toThrow(InvalidArgumentError);
    expect(() => nvmeConnectArgs(base, 'nqn.with space')).toThrow(InvalidArgumentError);
  });
});

function parseNqnUnchecked(value: string) {
  return value as ReturnType<typeof parseNqn>;
}

describe('sysfs device resolution', () => {
  let root: string;
  const nqn = 'nqn.2000-02.com.mikrotik:pvc-1';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rds-csi-sysfs-'));
    const node = async (path: string, content?: string) => {
      if (content === undefined) await mkdir(join(root, path), { recursive: true });
      else await writeFile(join(root, path), content);
    };
    for (const d of ['sys/class/nvme/nvme0', 'sys/class/nvme/nvme1', 'sys/class/nvme/nvme2', 'sys/class/nvme/nvme3', 'dev']) await node(d);
    await node('sys/class/nvme-subsystem/nvme-subsys7');
    // nvme0: another subsystem whose NQN merely starts with ours (pvc-10)
    await node('sys/class/nvme/nvme0/subsysnqn', 'nqn.2000-02.com.mikrotik:pvc-10\n');
    await node('sys/class/nvme/nvme0/nvme0n1');
    await node('dev/nvme0n1', '');
    // nvme2 and nvme3: two paths to our subsystem, multipath naming, head device nvme5n1
    for (const c of ['2', '3']) {
      await node(`sys/class/nvme/nvme${c}/subsysnqn`, `${nqn}\n`);
      await node(`sys/class/nvme/nvme${c}/nvme5c${c}n1`);
    }
    await node('dev/nvme5n1', '');
    // nvme1: controller of a subsystem whose namespace is only visible under nvme-subsystem
    await node('sys/class/nvme/nvme1/subsysnqn', 'nqn.2000-02.com.mikrotik:pvc-2\n');
    await node('sys/class/nvme-subsystem/nvme-subsys7/subsysnqn', 'nqn.2000-02.com.mikrotik:pvc-2\n');
    await node('sys/class/nvme-subsystem/nvme-subsys7/nvme7n1');
    await node('dev/nvme7n1', '');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('names namespace devices, mapping hidden multipath paths to the head device', () => {
    expect(namespaceDeviceName('nvme3n1')).toBe('nvme3n1');
    expect(namespaceDeviceName('nvme5c3n2')).toBe('nvme5n2');
    for (const other of ['nvme3n1p1', 'nvme3', 'ng3n1', 'subsysnqn', 'power']) expect(namespaceDeviceName(other)).toBeUndefined();
  });

  it('finds controllers by exact NQN and resolves the multipath head device', async () => {
    const resolver = new SysfsNvmeResolver(join(root, 'sys'), join(root, 'dev'));
    expect(await resolver.controllersOf(nqn)).toEqual(['nvme2', 'nvme3']);
    expect(await resolver.resolveDevice(nqn)).toBe(join(root, 'dev', 'nvme5n1'));
    expect(await resolver.resolveDevice('nqn.2000-02.com.mikrotik:pvc-10')).toBe(join(root, 'dev', 'nvme0n1'));
  });

  it('falls back to the subsystem directory, and needs the device node to exist', async () => {
    const resolver = new SysfsNvmeResolver(join(root, 'sys'), join(root, 'dev'));
    expect(await resolver.resolveDevice('nqn.2000-02.com.mikrotik:pvc-2')).toBe(join(root, 'dev', 'nvme7n1'));
    expect(await new SysfsNvmeResolver(join(root, 'sys'), join(root, 'empty-dev')).resolveDevice(nqn)).toBeUndefined();
    expect(await resolver.resolveDevice('nqn.2000-02.com.mikrotik:pvc-')).toBeUndefined();
  });

  it('copes with a machine without NVMe classes', async () => {
    const resolver = new SysfsNvmeResolver(join(root, 'nothing'), join(root, 'dev'));
    expect(await resolver.controllersOf(nqn)).toEqual([]);
    expect(await resolver.resolveDevice(nqn)).toBeUndefined();
    expect(await resolver.subsystemClassPresent()).toBe(false);
  });
});
