import type { OptionSpec } from '../config-options.js';
import { nearestNames } from './flag-suggestions.js';
import { goFlag } from './go-driver-flags.js';

export interface ReadFlags {
  /** Flags as given: the text after `=` or the next argument; `true` for a bare boolean flag. */
  readonly values: Readonly<Record<string, string | true>>;
  /** Every argument that is not one of our flags, each with what to write instead. */
  readonly problems: readonly string[];
}

const HELP = 'run "rds-csi help" for the flags';

/**
 * Reads `--flag VALUE`, `--flag=VALUE` and bare boolean flags. Never stops at the first bad argument:
 * unknown flags (with the nearest names), the Go driver's flags (with ours to use instead), single-dash
 * spellings of our flags, missing values and stray arguments are all reported, so one run lists them all.
 */
export function readFlags(argv: readonly string[], options: readonly OptionSpec[]): ReadFlags {
  const values: Record<string, string | true> = {};
  const problems: string[] = [];
  const go: { spelled: string; name: string; value: string | undefined }[] = [];
  const byName = new Map(options.map((o) => [o.flag, o]));
  const looksLikeFlag = (arg: string | undefined) => arg !== undefined && /^-[^\d]/.test(arg);

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const match = /^(--?)([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!match || arg === '-' || arg === '--') {
      problems.push(`unexpected argument ${JSON.stringify(arg)}: flags are written --name VALUE; ${HELP}`);
      continue;
    }
    const [, dashes, name, inline] = match as unknown as [string, string, string, string | undefined];
    const takeValue = (): string | undefined => {
      if (inline !== undefined) return inline;
      if (looksLikeFlag(argv[i + 1]) || i + 1 >= argv.length) return undefined;
      i += 1;
      return argv[i];
    };
    const ours = byName.get(name);
    if (ours && dashes === '--') {
      if (ours.boolean) values[name] = inline ?? true;
      else {
        const value = takeValue();
        if (value === undefined) problems.push(`--${name} needs a value (${ours.help})`);
        else values[name] = value;
      }
      continue;
    }
    const old = goFlag(name);
    if (old) {
      go.push({ spelled: `${dashes}${name}`, name, value: old.boolean ? inline : takeValue() });
      continue;
    }
    if (ours) {
      // A single-dash spelling of one of our flags: consume its value so it is not reported twice.
      if (!ours.boolean) takeValue();
      problems.push(`${arg.split('=')[0]} is written with two dashes: use --${name}`);
      continue;
    }
    const near = nearestNames(name, [...byName.keys()]);
    if (!(near[0] && byName.get(near[0])?.boolean)) takeValue();
    problems.push(`unknown flag ${dashes}${name}; ${near.length > 0 ? `did you mean ${near.map((n) => `--${n}`).join(' or ')}?` : HELP}`);
  }
  const seen = new Set(go.map((g) => g.name));
  for (const g of go) problems.push(`${g.spelled} is a flag of the Go driver: ${goFlag(g.name)!.advice(g.value, seen)}`);
  return { values, problems };
}
