import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CONTROLLER = /^nvme(\d+)$/;
const PLAIN_NAMESPACE = /^nvme(\d+)n(\d+)$/;
const PATH_NAMESPACE = /^nvme(\d+)c(\d+)n(\d+)$/;

/**
 * The block device name of a namespace directory found under a controller: `nvme<X>n<Y>` as is; a
 * hidden multipath path `nvme<S>c<C>n<N>` is served by the subsystem's head device `nvme<S>n<N>`.
 */
export function namespaceDeviceName(entry: string): string | undefined {
  const path = PATH_NAMESPACE.exec(entry);
  if (path) return `nvme${path[1]}n${path[3]}`;
  return PLAIN_NAMESPACE.test(entry) ? entry : undefined;
}

/**
 * Finds NVMe controllers and namespace devices of a subsystem through sysfs: controllers are
 * `<sysfs>/class/nvme/nvme*` whose `subsysnqn` equals the NQN exactly; namespaces are the `nvme*n*`
 * directories under them (or, as a fallback, under `<sysfs>/class/nvme-subsystem/*`). A device counts
 * only when its node exists under `devRoot`. Roots are configurable so tests use fake trees.
 *
 * Reads are synchronous on purpose: sysfs attributes and directories are generated in memory by the
 * kernel and never wait on storage, so a read costs microseconds, less than the thread-pool round trip
 * an asynchronous one takes (a node stage and unstage make a dozen of them; under QEMU each round trip
 * costs about a millisecond). The methods stay asynchronous for their callers.
 */
export class SysfsNvmeResolver {
  constructor(
    private readonly sysfsRoot: string,
    private readonly devRoot: string,
  ) {}

  /** Controller names (nvme0, nvme3, …) attached to the subsystem, in numeric order. */
  async controllersOf(nqn: string): Promise<string[]> {
    const dir = join(this.sysfsRoot, 'class', 'nvme');
    const names = listDir(dir).filter((n) => CONTROLLER.test(n));
    const matches: string[] = [];
    for (const name of names) {
      if (readTrimmed(join(dir, name, 'subsysnqn')) === nqn) matches.push(name);
    }
    return matches.sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  }

  async resolveDevice(nqn: string): Promise<string | undefined> {
    const byController = join(this.sysfsRoot, 'class', 'nvme');
    for (const controller of await this.controllersOf(nqn)) {
      const found = this.firstDevice(listDir(join(byController, controller)));
      if (found) return found;
    }
    const bySubsystem = join(this.sysfsRoot, 'class', 'nvme-subsystem');
    for (const subsystem of listDir(bySubsystem)) {
      if (readTrimmed(join(bySubsystem, subsystem, 'subsysnqn')) !== nqn) continue;
      const found = this.firstDevice(listDir(join(bySubsystem, subsystem)));
      if (found) return found;
    }
    return undefined;
  }

  /** Whether the kernel has NVMe-oF subsystems at all (the class exists once nvme-core is loaded). */
  async subsystemClassPresent(): Promise<boolean> {
    return exists(join(this.sysfsRoot, 'class', 'nvme-subsystem'));
  }

  private firstDevice(entries: string[]): string | undefined {
    const names = [...new Set(entries.map(namespaceDeviceName).filter((n): n is string => n !== undefined))].sort(byNumbers);
    for (const name of names) {
      const path = join(this.devRoot, name);
      if (exists(path)) return path;
    }
    return undefined;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function byNumbers(a: string, b: string): number {
  const na = a.match(/\d+/g)!.map(Number);
  const nb = b.match(/\d+/g)!.map(Number);
  return na[0]! - nb[0]! || na[1]! - nb[1]!;
}
