import { describe, expect, it } from 'vitest';
import { editDistance, nearestNames } from '../../src/app/cli/flag-suggestions.js';
import { GO_FLAGS, goDurationSeconds } from '../../src/app/cli/go-driver-flags.js';
import { readFlags } from '../../src/app/cli/read-flags.js';
import { OPTIONS } from '../../src/app/config-options.js';
import { parseConfig } from '../../src/app/parse-config.js';

const names = OPTIONS.map((o) => o.flag);

describe('flag suggestions', () => {
  it('measures edits, counting a swap of neighbours as one', () => {
    expect(editDistance('rds-adress', 'rds-address')).toBe(1);
    expect(editDistance('rds-adrdess', 'rds-address')).toBe(1);
    expect(editDistance('mdoe', 'mode')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests near misses and clear prefixes, nothing for unrelated words', () => {
    expect(nearestNames('rds-adress', names)).toEqual(['rds-address']);
    expect(nearestNames('log-levle', names)).toEqual(['log-level']);
    expect(nearestNames('rds-insecure', names)).toEqual(['rds-insecure-skip-host-key-check']);
    expect(nearestNames('RDS-PORT', names)).toEqual(['rds-port']);
    expect(nearestNames('banana', names)).toEqual([]);
    expect(nearestNames('x', names)).toEqual([]);
  });
});

describe('Go durations', () => {
  it('converts to whole seconds, rounding up', () => {
    expect(goDurationSeconds('5m')).toBe(300);
    expect(goDurationSeconds('1h30m')).toBe(5400);
    expect(goDurationSeconds('1500ms')).toBe(2);
    expect(goDurationSeconds('300')).toBeUndefined();
    expect(goDurationSeconds('5 minutes')).toBeUndefined();
  });
});

describe('readFlags', () => {
  it('reads both value spellings and bare booleans', () => {
    const read = readFlags(['--mode', 'node', '--endpoint=unix:///a=b.sock', '--rds-insecure-skip-host-key-check', '--log-level', '-'], OPTIONS);
    expect(read.values).toEqual({ mode: 'node', endpoint: 'unix:///a=b.sock', 'rds-insecure-skip-host-key-check': true, 'log-level': '-' });
  });

  it('lists every unknown flag with its nearest names, and stray arguments', () => {
    const read = readFlags(['--rds-adress', '10.0.0.1', '--mdoe', 'node', 'extra', '--banana', '--node-state-dir'], OPTIONS);
    expect(read.problems).toEqual([
      'unknown flag --rds-adress; did you mean --rds-address?',
      'unknown flag --mdoe; did you mean --mode?',
      'unexpected argument "extra": flags are written --name VALUE; run "rds-csi help" for the flags',
      'unknown flag --banana; run "rds-csi help" for the flags',
      '--node-state-dir needs a value (node: where staged and published volumes are recorded)',
    ]);
    expect(read.values).toEqual({});
  });

  it('answers every flag of the Go driver with ours, single or double dash, with or without =', () => {
    const read = readFlags([
      '-endpoint=unix:///csi/csi.sock', '-controller', '-node', '-rds-address', '10.0.0.1', '-rds-insecure-skip-verify',
      '-rds-volume-base-path=/storage-pool/x', '--attachment-reconcile-interval=5m', '-enable-orphan-reconciler', '-orphan-dry-run=true', '-v=5', '-logtostderr',
    ], OPTIONS);
    expect(read.problems).toEqual([
      '-endpoint is a flag of the Go driver: use --endpoint unix:///csi/csi.sock',
      '-controller is a flag of the Go driver: use --mode all',
      '-node is a flag of the Go driver: use --mode all',
      '-rds-address is a flag of the Go driver: use --rds-address 10.0.0.1',
      '-rds-insecure-skip-verify is a flag of the Go driver: use --rds-insecure-skip-host-key-check (labs only)',
      '-rds-volume-base-path is a flag of the Go driver: use --volume-base-path /storage-pool/x',
      '--attachment-reconcile-interval is a flag of the Go driver: use --reconcile-interval 300 (whole seconds, not a Go duration)',
      expect.stringMatching(/^-enable-orphan-reconciler is a flag of the Go driver: no equivalent: this driver has no orphan reconciler.*; remove it$/),
      expect.stringMatching(/^-orphan-dry-run is a flag of the Go driver: no equivalent/),
      '-v is a flag of the Go driver: use --log-level debug',
      expect.stringMatching(/^-logtostderr is a flag of the Go driver: no equivalent: logs are JSON lines on stdout/),
    ]);
    expect(readFlags(['-controller'], OPTIONS).problems).toEqual(['-controller is a flag of the Go driver: use --mode controller']);
  });

  it('knows every flag the Go driver registers in main.go', () => {
    const goMain = ['endpoint', 'node-id', 'driver-name', 'rds-address', 'rds-port', 'rds-user', 'rds-key-file', 'rds-host-key',
      'rds-insecure-skip-verify', 'rds-volume-base-path', 'controller', 'node', 'enable-orphan-reconciler', 'orphan-check-interval',
      'orphan-grace-period', 'orphan-dry-run', 'attachment-grace-period', 'attachment-reconcile-interval', 'enable-vmi-serialization',
      'vmi-cache-ttl', 'kubeconfig', 'metrics-address', 'version'];
    expect(GO_FLAGS.map((f) => f.name)).toEqual(expect.arrayContaining(goMain));
    for (const name of goMain) expect(readFlags([`-${name}`], OPTIONS).problems).toEqual([expect.stringMatching(new RegExp(`^-${name} is a flag of the Go driver: (use --|no equivalent)`))]);
  });

  it('points a single-dash spelling of our own flag at the double dash', () => {
    expect(readFlags(['-mode', 'node', '-log-level=debug'], OPTIONS).problems).toEqual([
      '-mode is written with two dashes: use --mode',
      '-log-level is written with two dashes: use --log-level',
    ]);
  });
});

describe('parseConfig with bad flags', () => {
  it('still lists every other problem', () => {
    const result = parseConfig(['--rds-adress', '10.0.0.1', '-controller', '--rds-port', '0'], {}, 'h');
    expect(result).toMatchObject({ ok: false });
    if (result.ok) return;
    expect(result.problems).toEqual(expect.arrayContaining([
      'unknown flag --rds-adress; did you mean --rds-address?',
      '-controller is a flag of the Go driver: use --mode controller',
      expect.stringMatching(/--rds-port .*is not a TCP port/),
      expect.stringMatching(/--rds-address .* is required/),
      expect.stringMatching(/--rds-user .* is required/),
      expect.stringMatching(/--rds-key-file .* is required/),
    ]));
  });

  it('requires --rds-user when serving a real RDS, not with the embedded simulator or on a node', () => {
    const rds = ['--mode', 'controller', '--rds-address', '10.0.0.1', '--rds-key-file', 'k', '--rds-host-key', 'SHA256:abc'];
    expect(parseConfig(rds, {}, 'h')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^--rds-user \(RDS_CSI_RDS_USER\) is required in controller mode/)] });
    expect(parseConfig(rds, { RDS_CSI_RDS_USER: 'rds-csi' }, 'h')).toMatchObject({ ok: true, config: { rds: { user: 'rds-csi' } } });
    expect(parseConfig(['--embedded-rds', 'd'], {}, 'h')).toMatchObject({ ok: true });
    expect(parseConfig(['--mode', 'node'], {}, 'h')).toMatchObject({ ok: true });
  });
});
