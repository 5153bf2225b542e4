import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * A Linux guest under QEMU (TCG) with a real NVMe/TCP stack: Debian's kernel with nvme-tcp and the
 * nvmet target, the host's root shared read-only over 9p under a tmpfs overlay (see
 * test/guest/build-guest.sh and real-nvme-tcp.md). Commands run one at a time through the guest agent
 * on a virtio serial port, each with a time limit; `stop()` powers the guest off and kills QEMU if it
 * does not go. Nothing on the host is mounted, and QEMU never outlives the test.
 */
export interface GuestResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The repository root, from test/support (vitest) or dist/test/support (built). */
const root = ((here: string) => (existsSync(join(here, '../../package.json')) ? resolve(here, '../..') : resolve(here, '../../..')))(dirname(fileURLToPath(import.meta.url)));
const exec = promisify(execFile);
const QEMU = 'qemu-system-x86_64';

export const GUEST_PACKAGES = 'qemu-system-x86 busybox-static kmod cpio';

/** Builds (or reuses) the kernel and initramfs; fails naming what to install when a tool is missing. */
export async function buildGuest(): Promise<{ kernel: string; initrd: string }> {
  const missing = ['/usr/bin/qemu-system-x86_64', '/bin/busybox', '/usr/bin/cpio', '/usr/bin/kmod'].filter((p) => !existsSync(p));
  if (missing.length > 0) throw new Error(`the NVMe/TCP guest needs ${missing.join(', ')}: apt-get install ${GUEST_PACKAGES}`);
  const out = join(root, 'node_modules/.cache/guest');
  try {
    const { stdout } = await exec('bash', [join(root, 'test/guest/build-guest.sh'), out], { timeout: 300_000 });
    const [kernel, initrd] = stdout.trim().split('\n');
    return { kernel: kernel!, initrd: initrd! };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`building the guest failed: ${stderr.trim() || String(error)}`);
  }
}

export class GuestVm {
  private buffer = '';
  private nextId = 1;
  private readonly waiting = new Map<string, (line: string) => void>();
  private exited = false;
  private ready!: Promise<void>;
  /** From starting QEMU to the guest agent answering. */
  bootedAfterMs = 0;

  private constructor(
    private readonly qemu: ChildProcess,
    private readonly dir: string,
    private socket: Socket | undefined = undefined,
  ) {}

  /** Boots the guest and waits for its agent (up to `bootTimeoutMs`). */
  static async boot(options: { memoryMb?: number; bootTimeoutMs?: number } = {}): Promise<GuestVm> {
    const { kernel, initrd } = await buildGuest();
    const dir = await mkdtemp(join(tmpdir(), 'rds-guest-'));
    const sock = join(dir, 'ctl.sock');
    const started = Date.now();
    const qemu = spawn(QEMU, [
      '-accel', 'tcg,thread=multi', '-cpu', 'max', '-smp', '2', '-m', String(options.memoryMb ?? 3072),
      '-display', 'none', '-monitor', 'none', '-no-reboot',
      '-kernel', kernel, '-initrd', initrd,
      '-append', `console=ttyS0 quiet panic=-1 guest.agent=${join(root, 'test/guest/guest-agent.sh')}`,
      '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap',
      '-serial', `file:${join(dir, 'console.log')}`,
      '-device', 'virtio-serial-pci',
      '-chardev', `socket,id=ctl,path=${sock},server=on,wait=off`,
      '-device', 'virtserialport,chardev=ctl,name=ctl',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    const vm = new GuestVm(qemu, dir);
    let qemuErr = '';
    qemu.stderr!.on('data', (d: Buffer) => (qemuErr += d.toString()));
    const gone = new Promise<never>((_, reject) => qemu.once('exit', (code) => {
      vm.exited = true;
      reject(new Error(`QEMU exited (${code}) before the guest was ready: ${qemuErr.trim()}`));
    }));
    gone.catch(() => undefined);
    try {
      vm.socket = await Promise.race([connectWhenListening(sock, 10_000), gone]);
      vm.socket.on('data', (d: Buffer) => vm.receive(d.toString('latin1')));
      vm.ready = new Promise<void>((resolveReady) => vm.waiting.set('READY', () => resolveReady()));
      await Promise.race([vm.ready, gone, timeout(options.bootTimeoutMs ?? 90_000, 'the guest agent did not start')]);
      vm.bootedAfterMs = Date.now() - started;
      return vm;
    } catch (error) {
      const consoleText = await vm.console();
      await vm.stop();
      throw new Error(`${(error as Error).message}\n--- guest console ---\n${consoleText}`);
    }
  }

  /** Runs a /bin/sh script in the guest (as root, cwd /), killed after `timeoutSec`. */
  async run(script: string, timeoutSec = 60): Promise<GuestResult> {
    if (this.exited || !this.socket) throw new Error('the guest is not running');
    const id = String(this.nextId++);
    const answer = new Promise<string>((resolveAnswer) => this.waiting.set(id, resolveAnswer));
    this.socket.write(`RUN ${id} ${timeoutSec} ${Buffer.from(script).toString('base64')}\n`);
    const line = await Promise.race([answer, timeout((timeoutSec + 30) * 1000, `guest command ${id} did not answer: ${script.slice(0, 120)}`)]);
    const [, , code, out = '', err = ''] = line.split(' ');
    return { code: Number(code), stdout: Buffer.from(out, 'base64').toString(), stderr: Buffer.from(err, 'base64').toString() };
  }

  /** Like run(), but a non-zero exit is an error carrying the output. */
  async check(script: string, timeoutSec = 60): Promise<string> {
    const r = await this.run(script, timeoutSec);
    if (r.code !== 0) throw new Error(`guest command failed (${r.code}): ${script}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  async console(): Promise<string> {
    return readFile(join(this.dir, 'console.log'), 'utf8').catch(() => '');
  }

  /** Powers the guest off (up to 20 s), then makes sure QEMU is gone and removes its files. */
  async stop(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolveExit) => this.qemu.once('exit', () => resolveExit()));
      this.socket?.write('POWEROFF\n');
      await Promise.race([exited, timeout(20_000, '').catch(() => undefined)]);
      if (!this.exited && this.qemu.exitCode === null) {
        this.qemu.kill('SIGKILL');
        await exited;
      }
    }
    this.socket?.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }

  private receive(text: string): void {
    this.buffer += text;
    for (let i = this.buffer.indexOf('\n'); i >= 0; i = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, i).replace(/\r$/, '');
      this.buffer = this.buffer.slice(i + 1);
      const key = line === 'READY' ? 'READY' : /^DONE (\d+) /.exec(line)?.[1];
      const waiter = key === undefined ? undefined : this.waiting.get(key);
      if (key !== undefined && waiter) {
        this.waiting.delete(key);
        waiter(line);
      }
    }
  }
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

async function connectWhenListening(path: string, withinMs: number): Promise<Socket> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolveSocket, reject) => {
        const s = connect(path, () => resolveSocket(s));
        s.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`QEMU's control socket ${path} did not open: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
