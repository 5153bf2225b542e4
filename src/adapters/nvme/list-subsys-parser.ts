import { HostCommandError } from '../../domain/errors.js';

export interface ListedPath {
  readonly name: string;
  readonly transport?: string;
  readonly address?: string;
  readonly state?: string;
}

export interface ListedSubsystem {
  readonly nqn: string;
  readonly name?: string;
  readonly paths: readonly ListedPath[];
}

/**
 * Parses `nvme list-subsys -o json`.
 * nvme-cli 2.x: `[{"HostNQN":…,"HostID":…,"Subsystems":[{"Name":"nvme-subsys0","NQN":…,"IOPolicy":…,
 *   "Paths":[{"Name":"nvme0","Transport":"tcp","Address":"traddr=…,trsvcid=…","State":"live"}]}]}]`,
 *   one element per host NQN, `[]` when nothing is connected.
 * nvme-cli 1.x: `{"Subsystems":[{"Name":…,"NQN":…,"Paths":[…]}]}`, `{}` when nothing is connected.
 * Unknown members are ignored; a subsystem without a string NQN is skipped.
 */
export function parseListSubsys(stdout: string): ListedSubsystem[] {
  const text = stdout.trim();
  if (text === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HostCommandError('nvme list-subsys', 0, `output is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
  const hosts = Array.isArray(data) ? data : [data];
  const out: ListedSubsystem[] = [];
  for (const host of hosts) {
    const subsystems = isRecord(host) && Array.isArray(host.Subsystems) ? host.Subsystems : [];
    for (const s of subsystems) {
      if (!isRecord(s) || typeof s.NQN !== 'string') continue;
      out.push({
        nqn: s.NQN.trim(),
        ...(typeof s.Name === 'string' ? { name: s.Name } : {}),
        paths: Array.isArray(s.Paths) ? s.Paths.filter(isRecord).map(toPath) : [],
      });
    }
  }
  return out;
}

function toPath(p: Record<string, unknown>): ListedPath {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    name: str(p.Name) ?? '',
    ...(str(p.Transport) !== undefined ? { transport: str(p.Transport) } : {}),
    ...(str(p.Address) !== undefined ? { address: str(p.Address) } : {}),
    ...(str(p.State) !== undefined ? { state: str(p.State) } : {}),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
