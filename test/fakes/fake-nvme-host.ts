import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScriptedReply } from './scripted-command-runner.js';
import { ScriptedCommandRunner } from './scripted-command-runner.js';

interface Connection {
  readonly nqn: string;
  readonly subsys: number;
  readonly ctrl: number;
  readonly address: string;
  readonly withNamespace: boolean;
}

/**
 * A stand-in for the kernel's NVMe/TCP initiator plus nvme-cli 2.x, for machines without nvme-tcp:
 * `nvme connect` of an exported target creates the sysfs tree the kernel would (controller
 * `class/nvme/nvme<C>` with a hidden multipath namespace `nvme<S>c<C>n1`, subsystem
 * `class/nvme-subsystem/nvme-subsys<S>`) and the `/dev/nvme<S>n1` node (a plain file) under `root`;
 * `nvme list-subsys -o json` prints the 2.x JSON shape; `nvme disconnect -n` removes it all.
 */
export class FakeNvmeHost {
  readonly runner = new ScriptedCommandRunner();
  readonly sysfsRoot: string;
  readonly devRoot: string;
  private readonly exported = new Map<string, { address: string; port: number }>();
  private readonly connections: Connection[] = [];
  private next = 0;
  /** When false, connect succeeds but the namespace never shows up (a target without namespaces). */
  namespacesAppear = true;

  constructor(readonly root: string) {
    this.sysfsRoot = join(root, 'sys');
    this.devRoot = join(root, 'dev');
    this.runner
      .on(['nvme', 'connect'], (argv) => this.connect(argv))
      .on(['nvme', 'disconnect'], (argv) => this.disconnect(argv))
      .on(['nvme', 'list-subsys'], () => ({ stdout: this.listSubsys() }))
      .on(['nvme', 'ns-rescan'], () => ({ exitCode: 0 }));
  }

  async init(): Promise<this> {
    await mkdir(join(this.sysfsRoot, 'class', 'nvme'), { recursive: true });
    await mkdir(join(this.sysfsRoot, 'class', 'nvme-subsystem'), { recursive: true });
    await mkdir(this.devRoot, { recursive: true });
    return this;
  }

  export(nqn: string, address = '10.0.0.5', port = 4420): { address: string; port: number; nqn: string } {
    this.exported.set(nqn, { address, port });
    return { address, port, nqn };
  }

  /** Connects a subsystem behind the driver's back (e.g. a foreign root disk, or a stale controller). */
  async attach(nqn: string, withNamespace: boolean): Promise<void> {
    await this.create(nqn, '10.9.9.9', withNamespace);
  }

  connected(): string[] {
    return this.connections.map((c) => c.nqn);
  }

  private async connect(argv: readonly string[]): Promise<ScriptedReply> {
    const nqn = valueOf(argv, '-n');
    const address = valueOf(argv, '-a');
    const port = Number(valueOf(argv, '-s'));
    const target = this.exported.get(nqn);
    if (!target || target.address !== address || target.port !== port) {
      return { exitCode: 1, stderr: 'Failed to write to /dev/nvme-fabrics: Input/output error\ncould not add new controller: failed to write to nvme-fabrics device\n' };
    }
    if (this.connections.some((c) => c.nqn === nqn)) return { exitCode: 114, stderr: `already connected\n` };
    await this.create(nqn, address, this.namespacesAppear);
    return { stdout: `connecting to device: nvme${this.next - 1}\n` };
  }

  private async create(nqn: string, address: string, withNamespace: boolean): Promise<void> {
    const id = this.next++;
    const c: Connection = { nqn, subsys: id, ctrl: id, address, withNamespace };
    const ctrlDir = join(this.sysfsRoot, 'class', 'nvme', `nvme${c.ctrl}`);
    const subsysDir = join(this.sysfsRoot, 'class', 'nvme-subsystem', `nvme-subsys${c.subsys}`);
    await mkdir(ctrlDir, { recursive: true });
    await mkdir(subsysDir, { recursive: true });
    await writeFile(join(ctrlDir, 'subsysnqn'), `${nqn}\n`);
    await writeFile(join(subsysDir, 'subsysnqn'), `${nqn}\n`);
    if (withNamespace) {
      await mkdir(join(ctrlDir, `nvme${c.subsys}c${c.ctrl}n1`));
      await mkdir(join(subsysDir, `nvme${c.subsys}n1`));
      await writeFile(join(this.devRoot, `nvme${c.subsys}n1`), '');
    }
    this.connections.push(c);
  }

  private async disconnect(argv: readonly string[]): Promise<ScriptedReply> {
    const nqn = valueOf(argv, '-n');
    const matching = this.connections.filter((c) => c.nqn === nqn);
    for (const c of matching) {
      await rm(join(this.sysfsRoot, 'class', 'nvme', `nvme${c.ctrl}`), { recursive: true, force: true });
      await rm(join(this.sysfsRoot, 'class', 'nvme-subsystem', `nvme-subsys${c.subsys}`), { recursive: true, force: true });
      await rm(join(this.devRoot, `nvme${c.subsys}n1`), { force: true });
      this.connections.splice(this.connections.indexOf(c), 1);
    }
    return { stdout: `NQN:${nqn} disconnected ${matching.length} controller(s)\n` };
  }

  private listSubsys(): string {
    const subsystems = this.connections.map((c) => ({
      Name: `nvme-subsys${c.subsys}`,
      NQN: c.nqn,
      IOPolicy: 'numa',
      Paths: [{ Name: `nvme${c.ctrl}`, Transport: 'tcp', Address: `traddr=${c.address},trsvcid=4420`, State: 'live' }],
    }));
    const host = { HostNQN: 'nqn.2014-08.org.nvmexpress:uuid:4c4c4544-0042-3510-8057-b4c04f4e4b32', HostID: '4c4c4544-0042-3510-8057-b4c04f4e4b32' };
    return `${JSON.stringify(this.connections.length === 0 ? [] : [{ ...host, Subsystems: subsystems }], null, 2)}\n`;
  }
}

function valueOf(argv: readonly string[], flag: string): string {
  const i = argv.indexOf(flag);
  return i >= 0 ? (argv[i + 1] ?? '') : '';
}
