import { GuestVm } from '../support/guest-vm.js';
import { BUILT_BUNDLE, NODE } from '../support/built-driver.js';
import { compileCache, guestScenarioCommand } from '../support/guest-compile-cache.js';
import { IMAGE_NODE_FLAGS } from '../support/image-node-flags.js';

/** One line of a guest scenario's report. */
export interface Step {
  readonly step: string;
  readonly [detail: string]: unknown;
}

/** A scenario's report, by step name; asking for a step it did not report fails naming the ones it did. */
export class Steps {
  constructor(private readonly byName: ReadonlyMap<string, Step>) {}

  get(name: string): Step {
    const found = this.byName.get(name);
    if (!found) throw new Error(`no step ${name} in ${[...this.byName.keys()].join(', ')}`);
    return found;
  }
}

/**
 * Runs a scenario of the bundled guest-scenario entry in the guest and returns its steps by name.
 * A scenario that fails throws with its error line (which carries the driver's log).
 */
export async function scenario(vm: GuestVm, args: string, timeoutSec = 400): Promise<Steps> {
  const result = await vm.run(await guestScenarioCommand(NODE, BUILT_BUNDLE, args, ['--enable-source-maps']), timeoutSec);
  const steps = result.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Step);
  const byName = new Map(steps.map((s) => [s.step, s]));
  if (result.code !== 0 || !byName.has('done')) {
    const error = byName.get('error');
    throw new Error(`guest scenario "${args}" failed (exit ${result.code}) after steps ${steps.map((s) => s.step).join(', ')}: ${String(error?.['message'] ?? '')}\n${result.stderr}\n${String(error?.['driverLog'] ?? '')}`);
  }
  return new Steps(byName);
}

/** Boots the guest, once the bundle's compile cache is ready (made here before QEMU takes the cores). */
export async function bootGuest(): Promise<GuestVm> {
  await compileCache(BUILT_BUNDLE, NODE, IMAGE_NODE_FLAGS);
  return GuestVm.boot({ bootTimeoutMs: 120_000 });
}
