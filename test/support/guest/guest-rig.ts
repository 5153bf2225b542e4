import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RdsSimulator } from '../../../simulator/rds-simulator.js';
import { generateEd25519KeyPair, generateHostKeyText } from '../../../simulator/sim-ssh-keys.js';
import { CsiClient } from '../csi-client.js';

/**
 * Inside the NVMe/TCP guest: the RDS simulator in this process, exporting over the kernel target on
 * 127.0.0.1:4420, and the real driver (`rds-csi serve --mode all`, nvme-cli initiator) as a child
 * process talking to it over SSH, reached through its CSI socket. Everything lives under /run, the
 * guest's tmpfs.
 */
export const NVME_PORT = 4420;
export const NODE_ID = 'guest';
const run = promisify(execFile);
const bundleDir = dirname(fileURLToPath(import.meta.url));

export class GuestRig {
  client!: CsiClient;
  private driver: ChildProcess | undefined;
  private driverLog = '';
  private rdsPort = 0;

  private constructor(
    readonly dir: string,
    private sim: RdsSimulator,
    private readonly keys: { client: { private: string; public: string }; host: string },
    private readonly extraFlags: string[],
  ) {}

  /** `logLevel` debug (the default) for tests, whose failures print the driver's log; info as deployed, for the bench. */
  static async start(options: { logLevel?: 'debug' | 'info'; extraFlags?: string[] } = {}): Promise<GuestRig> {
    const dir = '/run/rig';
    await mkdir(join(dir, 'keys'), { recursive: true, mode: 0o700 });
    const keys = { client: generateEd25519KeyPair(), host: generateHostKeyText() };
    await writeFile(join(dir, 'keys/id_ed25519'), keys.client.private, { mode: 0o600 });
    await installNvmeWrapper(dir);
    const sim = await startSimulator(dir, keys);
    const rig = new GuestRig(dir, sim, keys, ['--log-level', options.logLevel ?? 'debug', ...(options.extraFlags ?? [])]);
    await rig.startDriver();
    return rig;
  }

  get simulator(): RdsSimulator {
    return this.sim;
  }

  private nodeFlags(): string[] {
    return ['--mode', 'node', '--node-id', NODE_ID, '--node-state-dir', join(this.dir, 'node-state'), '--kubelet-dir', join(this.dir, 'kubelet')];
  }

  /** The nvme wrapper (fault injection, transparent by default) comes first on PATH. */
  private driverEnv(): NodeJS.ProcessEnv {
    return { ...process.env, PATH: `${join(this.dir, 'bin')}:${process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` };
  }

  async startDriver(): Promise<void> {
    const socket = join(this.dir, 'csi.sock');
    const flags = [
      'serve', '--mode', 'all', '--endpoint', `unix://${socket}`, '--node-id', NODE_ID,
      '--rds-address', '127.0.0.1', '--rds-port', String(this.sim.port), '--rds-user', 'admin',
      '--rds-key-file', join(this.dir, 'keys/id_ed25519'), '--rds-host-key', this.sim.hostKeyFingerprint(),
      '--volume-base-path', '/storage-pool/csi', '--nvme-address', '127.0.0.1', '--nvme-port', String(NVME_PORT),
      '--attachment-store', 'memory', '--node-state-dir', join(this.dir, 'node-state'), '--kubelet-dir', join(this.dir, 'kubelet'),
      ...this.extraFlags,
    ];
    const child = spawn(process.execPath, ['--enable-source-maps', join(bundleDir, 'rds-csi.mjs'), ...flags], { stdio: ['ignore', 'pipe', 'pipe'], env: this.driverEnv() });
    child.stdout!.on('data', (d: Buffer) => (this.driverLog += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.driverLog += d.toString()));
    this.driver = child;
    this.client = new CsiClient(socket);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the driver exited (${child.exitCode}):\n${this.driverLog}`);
      try {
        await this.client.call(this.client.identity, 'probe', {}, 2_000);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`the driver did not answer Probe: ${(error as Error).message}\n${this.driverLog}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** SIGKILL of the driver: no cleanup of its own runs. */
  async killDriver(): Promise<void> {
    this.client.close();
    const child = this.driver!;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stopDriver(): Promise<void> {
    this.client.close();
    const child = this.driver!;
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  /** The RDS goes down: SSH and every NVMe/TCP export, as in a reboot; its state stays on disk. */
  async stopRds(): Promise<void> {
    this.rdsPort = this.sim.port;
    await this.sim.stop();
  }

  /** ...and comes back on the same address, re-exporting what its state says is exported. */
  async startRds(): Promise<void> {
    this.sim = await startSimulator(this.dir, this.keys, this.rdsPort);
  }

  /** The next `nvme disconnect` calls fail (`fail`), or exit 0 without disconnecting (`lie`), until cleared. */
  async setDisconnectFault(fault: 'fail' | 'lie' | undefined): Promise<void> {
    await writeFile(join(this.dir, 'faults/disconnect'), fault ?? '');
  }

  /** `rds-csi doctor` for this node, as an operator runs it on the node; its report. */
  async doctor(): Promise<string> {
    const result = await run(process.execPath, [join(bundleDir, 'rds-csi.mjs'), 'doctor', ...this.nodeFlags()], { env: this.driverEnv() }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return result.stdout;
  }

  log(): string {
    return this.driverLog;
  }

  async stop(): Promise<void> {
    await this.stopDriver().catch(() => undefined);
    await this.sim.stop();
    await this.sim.removeNvmeExports();
  }
}

/**
 * `nvme` as the driver finds it on PATH: the real nvme-cli, except that `disconnect` fails or lies
 * while faults/disconnect says so.
 */
async function installNvmeWrapper(dir: string): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(join(dir, 'faults'), { recursive: true });
  const fault = join(dir, 'faults/disconnect');
  await writeFile(fault, '');
  const real = (await sh('sh', ['-c', 'command -v nvme'])).trim();
  await writeFile(
    join(dir, 'bin/nvme'),
    `#!/bin/sh\nif [ "$1" = disconnect ]; then\n  case "$(cat ${fault})" in\n    lie) exit 0 ;;\n    fail) echo "simulated disconnect failure" >&2; exit 1 ;;\n  esac\nfi\nexec ${real} "$@"\n`,
    { mode: 0o755 },
  );
}

async function startSimulator(dir: string, keys: { client: { public: string }; host: string }, port = 0): Promise<RdsSimulator> {
  return RdsSimulator.start({
    dataDir: join(dir, 'rds'),
    poolSizeBytes: 64 * 1024 ** 3,
    host: '127.0.0.1',
    port,
    hostKey: keys.host,
    authorizedKeys: [keys.client.public],
    nvmetAddress: '127.0.0.1',
  });
}

/** Runs a host command in the guest; a failure carries its output. */
export async function sh(command: string, args: readonly string[]): Promise<string> {
  try {
    return (await run(command, [...args], { maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`);
  }
}

/** NQNs of the NVMe controllers connected in this guest (sysfs; no nvme-cli parsing). */
export async function connectedNqns(): Promise<string[]> {
  const names = await readdir('/sys/class/nvme').catch(() => [] as string[]);
  const nqns = await Promise.all(names.map((n) => readFile(`/sys/class/nvme/${n}/subsysnqn`, 'utf8').then((t) => t.trim(), () => '')));
  return nqns.filter((n) => n !== '');
}

/** Mount points under `prefix` (findmnt over /proc/self/mountinfo). */
export async function mountsUnder(prefix: string): Promise<string[]> {
  const out = await sh('findmnt', ['-rn', '-o', 'TARGET']);
  return out.split('\n').filter((t) => t.startsWith(prefix));
}

/** A reproducible pattern of `bytes` bytes, and its sha256. */
export function pattern(seed: string, bytes: number): { data: Buffer; sha256: string } {
  const data = Buffer.alloc(bytes);
  let block = createHash('sha256').update(seed).digest();
  for (let at = 0; at < bytes; at += block.length) {
    block.copy(data, at);
    block = createHash('sha256').update(block).digest();
  }
  return { data, sha256: createHash('sha256').update(data).digest('hex') };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
