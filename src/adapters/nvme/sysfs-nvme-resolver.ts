import { readdir, readFile, stat } from 'node:fs/promises';
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
 */
export class SysfsNvmeResolver {
  constructor(
    private readonly sysfsRoot: string,
    private readonly devRoot: string,
  ) {}

  /** Controller names (nvme0, nvme3, …) attached to the subsystem, in numeric order. */
  async controllersOf(nqn: string): Promise<string[]> {
    const dir = join(this.sysfsRoot, 'class', 'nvme');
    const names = (await listDir(dir)).filter((n) => CONTROLLER.test(n));
    const matches: string[] = [];
    for (const name of names) {
      if ((await readTrimmed(join(dir, name, 'subsysnqn'))) === nqn) matches.push(name);
    }
    return matches.sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  }

  async resolveDevice(nqn: string): Promise<string | undefined> {
    const byController = join(this.sysfsRoot, 'class', 'nvme');
    for (const controller of await this.controllersOf(nqn)) {
      const found = await this.firstDevice(await listDir(join(byController, controller)));
      if (found) return found;
    }
    const bySubsystem = join(this.sysfsRoot, 'class', 'nvme-subsystem');
    for (const subsystem of await listDir(bySubsystem)) {
      if ((await readTrimmed(join(bySubsystem, subsystem, 'subsysnqn'))) !== nqn) continue;
      const found = await this.firstDevice(await listDir(join(bySubsystem, subsystem)));
      if (found) return found;
    }
    return undefined;
  }

  /** Whether the kernel has NVMe-oF subsystems at all (the class exists once nvme-core is loaded). */
  async subsystemClassPresent(): Promise<boolean> {
    return stat(join(this.sysfsRoot, 'class', 'nvme-subsystem')).then(
      () => true,
      () => false,
    );
  }

  private async firstDevice(entries: string[]): Promise<string | undefined> {
    const names = [...new Set(entries.map(namespaceDeviceName).filter((n): n is string => n !== undefined))].sort(byNumbers);
    for (const name of names) {
      const path = join(this.devRoot, name);
      if (await stat(path).then(() => true, () => false)) return path;
    }
    return undefined;
  }
}

async function listDir(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

async function readTrimmed(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
}

function byNumbers(a: string, b: string): number {
  const na = a.match(/\d+/g)!.map(Number);
  const nb = b.match(/\d+/g)!.map(Number);
  return na[0]! - nb[0]! || na[1]! - nb[1]!;
}
