import { CHECK, pass, warn } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';

export interface RouterOsVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** `7.16`, `7.16.2`, `7.16 (stable)`, `7.17beta2` → numbers; anything else → undefined. */
export function parseRouterOsVersion(text: string): RouterOsVersion | undefined {
  const m = /^\s*(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?(?![\d.])/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) } : undefined;
}

/** The driver's commands (file disks with NVMe/TCP export) exist on RouterOS 7 only. */
export function evaluateRouterOsVersion(reported: string | undefined): CheckResult {
  const hint = 'the driver is built for RouterOS 7.x on the ROSE Data Server; check `/system resource print` on the RDS';
  if (reported === undefined || reported.trim() === '') return warn(CHECK.version, 'RouterOS did not report a version', hint);
  const version = parseRouterOsVersion(reported);
  if (!version) return warn(CHECK.version, `cannot read the version ${JSON.stringify(reported.slice(0, 40))}`, hint);
  if (version.major < 7) return warn(CHECK.version, `RouterOS ${reported} is older than 7.x`, `upgrade the RDS to RouterOS 7; ${hint}`);
  return pass(CHECK.version, `RouterOS ${reported}`);
}
