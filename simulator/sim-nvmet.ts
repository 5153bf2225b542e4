import { lstat, mkdir, readdir, readFile, rmdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { createHash } from 'node:crypto';
import type { SimState } from './sim-state.js';

/** One disk the simulator serves over NVMe/TCP: what the kernel target must hold for it. */
export interface NvmetExport {
  readonly nqn: string;
  readonly port: number;
  /** Absolute path of the backing `.img` file. */
  readonly file: string;
  readonly sizeBytes: number;
}

const NQN = /^nqn\.[0-9]{4}-[0-9]{2}\.[A-Za-z0-9.:_-]{1,200}$/;
export const NVMET_ROOT = '/sys/kernel/config/nvmet';

/**
 * What the state says is exported: every disk with `nvme-tcp-export=yes`, backed by its file under
 * `filesRoot`. An NQN that could not be a configfs directory name, or a file path that leaves
 * `filesRoot`, is never exported (the disk commands already refuse both; this is the last guard
 * before a path reaches the kernel).
 */
export function desiredExports(state: SimState, filesRoot: string): NvmetExport[] {
  const root = resolve(filesRoot);
  return state.disks.flatMap((disk) => {
    if (!disk.nvmeExport || !NQN.test(disk.nvmeExport.nqn)) return [];
    const file = resolve(root, disk.filePath.replace(/^\/+/, ''));
    if (!file.startsWith(root + sep)) return [];
    return [{ nqn: disk.nvmeExport.nqn, port: disk.nvmeExport.port, file, sizeBytes: disk.sizeBytes }];
  });
}

/** True where the kernel NVMe target is loaded and its configfs tree is mounted. */
export async function nvmetAvailable(root = NVMET_ROOT): Promise<boolean> {
  try {
    return (await lstat(join(root, 'subsystems'))).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The Linux kernel NVMe/TCP target (nvmet) driven through configfs, as the RDS's own target: one
 * subsystem per exported disk, named by its NQN, with namespace 1 backed by the disk's file
 * (buffered I/O, which works on tmpfs too), open to any host, linked to a TCP port on `address`.
 * `apply` makes the kernel match a desired list: it adds, removes and re-sizes; it owns every
 * subsystem under `root` (the guest the simulator runs in has no other).
 */
export class NvmetTarget {
  private readonly sizes = new Map<string, number>();
  private readonly downPorts = new Set<number>();

  constructor(
    private readonly address: string,
    private readonly root = NVMET_ROOT,
  ) {}

  async apply(desired: readonly NvmetExport[]): Promise<void> {
    const wanted = new Map(desired.map((e) => [e.nqn, e]));
    for (const nqn of await this.subsystems()) {
      const want = wanted.get(nqn);
      if (!want || (await this.devicePath(nqn)) !== want.file) await this.remove(nqn);
      else await this.unlinkElsewhere(nqn, want.port);
    }
    for (const e of desired) {
      if (!(await this.exists(join(this.root, 'subsystems', e.nqn)))) await this.add(e);
      else {
        if (this.sizes.get(e.nqn) !== e.sizeBytes) await writeFile(join(this.root, 'subsystems', e.nqn, 'namespaces/1/revalidate_size'), '1');
        this.sizes.set(e.nqn, e.sizeBytes);
        if (!this.downPorts.has(e.port)) await this.link(e);
      }
    }
    await this.removeEmptyPorts();
  }

  /**
   * The appliance goes down: every port stops listening and its connections drop, as in a power
   * cut. The subsystems stay configured (as the appliance keeps its disks), so a later `apply` serves
   * them again under the same identifiers and connected hosts carry on; disabling a namespace under
   * a connected host would instead make the host drop the namespace and fail its I/O.
   */
  async goDown(): Promise<void> {
    for (const port of await this.ports()) {
      const dir = join(this.root, 'ports', String(port));
      for (const nqn of await readdir(join(dir, 'subsystems'))) await unlink(join(dir, 'subsystems', nqn));
    }
    await this.removeEmptyPorts();
  }

  /** Removes every port and subsystem. */
  async clear(): Promise<void> {
    await this.goDown();
    await this.apply([]);
  }

  /** Fault: the TCP port stops serving (connected hosts lose their controllers) until `portUp`. */
  async portDown(port: number): Promise<void> {
    this.downPorts.add(port);
    const dir = join(this.root, 'ports', String(port));
    if (!(await this.exists(dir))) return;
    for (const nqn of await readdir(join(dir, 'subsystems'))) await unlink(join(dir, 'subsystems', nqn));
  }

  async portUp(port: number, desired: readonly NvmetExport[]): Promise<void> {
    this.downPorts.delete(port);
    for (const e of desired) if (e.port === port) await this.link(e);
  }

  private async add(e: NvmetExport): Promise<void> {
    const subsystem = join(this.root, 'subsystems', e.nqn);
    await mkdir(subsystem);
    await writeFile(join(subsystem, 'attr_allow_any_host'), '1');
    // Identifiers derived from the NQN: a host that reconnects after the target was re-created (an
    // RDS reboot) finds the same serial and namespace IDs and keeps its block device.
    const id = createHash('sha256').update(e.nqn).digest('hex');
    await writeFile(join(subsystem, 'attr_serial'), id.slice(0, 20));
    const namespace = join(subsystem, 'namespaces/1');
    await mkdir(namespace);
    const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
    await writeFile(join(namespace, 'device_uuid'), uuid);
    await writeFile(join(namespace, 'device_nguid'), uuid);
    await writeFile(join(namespace, 'device_path'), e.file);
    await writeFile(join(namespace, 'buffered_io'), '1');
    await writeFile(join(namespace, 'enable'), '1');
    this.sizes.set(e.nqn, e.sizeBytes);
    if (!this.downPorts.has(e.port)) await this.link(e);
  }

  private async link(e: NvmetExport): Promise<void> {
    const port = join(this.root, 'ports', String(e.port));
    if (!(await this.exists(port))) {
      await mkdir(port);
      await writeFile(join(port, 'addr_trtype'), 'tcp');
      await writeFile(join(port, 'addr_adrfam'), this.address.includes(':') ? 'ipv6' : 'ipv4');
      await writeFile(join(port, 'addr_traddr'), this.address);
      await writeFile(join(port, 'addr_trsvcid'), String(e.port));
    }
    const link = join(port, 'subsystems', e.nqn);
    if (!(await this.exists(link))) await symlink(join(this.root, 'subsystems', e.nqn), link);
  }

  private async remove(nqn: string): Promise<void> {
    for (const port of await this.ports()) {
      const link = join(this.root, 'ports', String(port), 'subsystems', nqn);
      if (await this.exists(link)) await unlink(link);
    }
    const subsystem = join(this.root, 'subsystems', nqn);
    for (const id of await readdir(join(subsystem, 'namespaces'))) {
      await writeFile(join(subsystem, 'namespaces', id, 'enable'), '0');
      await rmdir(join(subsystem, 'namespaces', id));
    }
    await rmdir(subsystem);
    this.sizes.delete(nqn);
  }

  private async unlinkElsewhere(nqn: string, port: number): Promise<void> {
    for (const other of await this.ports()) {
      if (other === port) continue;
      const link = join(this.root, 'ports', String(other), 'subsystems', nqn);
      if (await this.exists(link)) await unlink(link);
    }
  }

  private async removeEmptyPorts(): Promise<void> {
    for (const port of await this.ports()) {
      if ((await readdir(join(this.root, 'ports', String(port), 'subsystems'))).length === 0) await rmdir(join(this.root, 'ports', String(port)));
    }
  }

  private async subsystems(): Promise<string[]> {
    return readdir(join(this.root, 'subsystems'));
  }

  private async ports(): Promise<number[]> {
    return (await readdir(join(this.root, 'ports'))).map(Number);
  }

  private async devicePath(nqn: string): Promise<string> {
    try {
      return (await readFile(join(this.root, 'subsystems', nqn, 'namespaces/1/device_path'), 'utf8')).trim();
    } catch {
      return '';
    }
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await lstat(path);
      return true;
    } catch {
      return false;
    }
  }
}
