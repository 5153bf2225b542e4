import { readFile, realpath } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { parseState } from '../../../simulator/sim-state.js';

export interface SimulatorExport {
  readonly nqn: string;
  readonly port: number;
  /** Absolute local path of the disk's backing file. */
  readonly file: string;
}

/**
 * The NVMe/TCP exports of an RDS simulator, read from its data directory: each exported disk's NQN,
 * port and the local backing file (`<dataDir>/files/<RouterOS path>`). Read fresh on every call — the
 * simulator (possibly another process) changes the state at any time.
 */
export class SimulatorExports {
  private root: Promise<string> | undefined;

  constructor(private readonly dataDir: string) {}

  /** The real path of `<dataDir>/files`, as the kernel reports loop backing files. */
  filesRoot(): Promise<string> {
    this.root ??= realpath(this.dataDir).then(
      (dir) => join(dir, 'files'),
      () => join(resolve(this.dataDir), 'files'),
    );
    return this.root;
  }

  async list(): Promise<SimulatorExport[]> {
    let text: string;
    try {
      text = await readFile(join(this.dataDir, 'state.json'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const root = await this.filesRoot();
    const exports: SimulatorExport[] = [];
    for (const disk of parseState(text).disks) {
      if (!disk.nvmeExport) continue;
      const file = resolve(root, disk.filePath.replace(/^\/+/, ''));
      if (!file.startsWith(root + sep)) continue; // a path that escapes the data dir is never attached
      exports.push({ nqn: disk.nvmeExport.nqn, port: disk.nvmeExport.port, file });
    }
    return exports;
  }

  async find(nqn: string): Promise<SimulatorExport | undefined> {
    return (await this.list()).find((e) => e.nqn === nqn);
  }
}
