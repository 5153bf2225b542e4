import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readBoundedFile } from '../../adapters/mount/bounded-file-read.js';
import { parseMountinfo } from '../../adapters/mount/mountinfo-parser.js';
import { FileNodeVolumeStore } from '../../adapters/node-state/file-node-volume-store.js';
import type { CommandRunner } from '../../ports/command-runner.js';
import { CHECK, fail, pass, warn } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';
import { NODE_TOOLS, NOT_INSTALLED, evaluateTools } from './fs-tools-check.js';
import { evaluateHostNqn } from './host-nqn-check.js';
import { evaluatePropagation } from './mount-propagation-check.js';
import { evaluateStagedVolumes } from './staged-volumes-check.js';

/** Where the node checks look; tests point the roots at fake trees and script the runner. */
export interface NodeCheckEnvironment {
  readonly runner: CommandRunner;
  readonly sysRoot: string;
  readonly procRoot: string;
  readonly hostNqnPath: string;
  readonly kubeletDir: string;
  /** The node plugin's records of what it staged (--node-state-dir). */
  readonly nodeStateDir: string;
  /** Limit for each host command and file read. */
  readonly timeoutMs: number;
}

const MAX_MOUNTINFO_BYTES = 16 * 1024 * 1024;

export async function runNodeChecks(env: NodeCheckEnvironment): Promise<CheckResult[]> {
  return [await nvmeCli(env), await nvmeTcpModule(env), await hostNqn(env), await tools(env), await propagation(env), await stagedVolumes(env)];
}

async function stagedVolumes(env: NodeCheckEnvironment): Promise<CheckResult> {
  try {
    const records = await new FileNodeVolumeStore({ directory: env.nodeStateDir }).list();
    const classDir = join(env.sysRoot, 'class/nvme');
    const names = await readdir(classDir).catch(() => [] as string[]);
    const controllers = await Promise.all(
      names.map(async (name) => ({
        name,
        nqn: (await readFile(join(classDir, name, 'subsysnqn'), 'utf8').catch(() => '')).trim(),
        state: (await readFile(join(classDir, name, 'state'), 'utf8').catch(() => 'unknown')).trim(),
      })),
    );
    const mountinfo = await readBoundedFile(join(env.procRoot, 'self/mountinfo'), { timeoutMs: env.timeoutMs, maxBytes: MAX_MOUNTINFO_BYTES });
    return evaluateStagedVolumes(records, controllers, new Set(parseMountinfo(mountinfo).map((m) => m.mountPoint)));
  } catch (error) {
    return fail(CHECK.stagedVolumes, `cannot read the node's volume records or NVMe state: ${(error as Error).message}`, 'run doctor with the node plugin\'s --node-state-dir, inside its container');
  }
}

async function nvmeCli(env: NodeCheckEnvironment): Promise<CheckResult> {
  const hint = 'install nvme-cli in the node plugin image (the driver runs `nvme connect`, `nvme list-subsys`, `nvme disconnect`)';
  try {
    const result = await env.runner.run(['nvme', 'version'], { timeoutMs: env.timeoutMs });
    if (result.exitCode === 0) return pass(CHECK.nvmeCli, result.stdout.trim().split('\n')[0] ?? 'nvme version');
    if (result.exitCode === NOT_INSTALLED) return fail(CHECK.nvmeCli, '`nvme` is not on PATH', hint);
    return fail(CHECK.nvmeCli, `\`nvme version\` exited ${result.exitCode}: ${firstLine(result.stderr || result.stdout)}`, hint);
  } catch (error) {
    return fail(CHECK.nvmeCli, `\`nvme version\` did not run: ${(error as Error).message}`, hint);
  }
}

async function nvmeTcpModule(env: NodeCheckEnvironment): Promise<CheckResult> {
  const sysPath = join(env.sysRoot, 'module', 'nvme_tcp');
  if (await exists(sysPath)) return pass(CHECK.nvmeTcp, `${sysPath} exists`);
  const modules = await readFile(join(env.procRoot, 'modules'), 'utf8').catch(() => '');
  if (/^nvme_tcp\s/m.test(modules)) return pass(CHECK.nvmeTcp, `listed in ${join(env.procRoot, 'modules')}`);
  return fail(
    CHECK.nvmeTcp,
    `neither ${sysPath} nor ${join(env.procRoot, 'modules')} shows nvme_tcp`,
    '`modprobe nvme-tcp` on the node, and load it at boot (`echo nvme-tcp > /etc/modules-load.d/nvme-tcp.conf`)',
  );
}

async function hostNqn(env: NodeCheckEnvironment): Promise<CheckResult> {
  let content: string | undefined;
  try {
    content = await readFile(env.hostNqnPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      return warn(CHECK.hostNqn, `cannot read ${env.hostNqnPath} (${code ?? 'error'})`, "mount the host's /etc/nvme into the node plugin container");
    }
  }
  return evaluateHostNqn(env.hostNqnPath, content);
}

async function tools(env: NodeCheckEnvironment): Promise<CheckResult> {
  const codes = await Promise.all(
    NODE_TOOLS.map(async (tool) => {
      const code = await env.runner.run(tool.argv, { timeoutMs: env.timeoutMs }).then(
        (r) => r.exitCode,
        () => 0, // it started (timed out or was refused an argument): installed
      );
      return [tool.argv[0]!, code] as const;
    }),
  );
  return evaluateTools(new Map(codes));
}

async function propagation(env: NodeCheckEnvironment): Promise<CheckResult> {
  const hint = `mount the host's ${env.kubeletDir} into the node plugin container at the same path with \`mountPropagation: Bidirectional\`, or set --kubelet-dir`;
  if (!(await exists(env.kubeletDir))) return fail(CHECK.propagation, `${env.kubeletDir} does not exist here`, hint);
  const path = join(env.procRoot, 'self', 'mountinfo');
  try {
    return evaluatePropagation(env.kubeletDir, await readBoundedFile(path, { timeoutMs: env.timeoutMs, maxBytes: MAX_MOUNTINFO_BYTES }));
  } catch (error) {
    return fail(CHECK.propagation, `cannot read ${path}: ${(error as Error).message}`, 'check the node for a mount storm (`wc -l /proc/self/mountinfo`)');
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').slice(0, 200);
}
