import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/app/parse-config.js';

const rds = ['--rds-address', '10.0.0.1', '--rds-user', 'rds-csi', '--rds-key-file', '/etc/rds/key', '--rds-host-key', 'SHA256:abc'];

describe('parseConfig', () => {
  it('applies defaults and reads flags', () => {
    const result = parseConfig(['--mode', 'controller', ...rds], {}, 'host-1');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      mode: 'controller', socketPath: '/csi/csi.sock', driverName: 'rds.csi.srvlab.io', attachmentStore: 'kubernetes',
      volumeBasePath: '/storage-pool/metal-csi', nvme: { address: '10.0.0.1', port: 4420 },
      rds: { address: '10.0.0.1', port: 22, user: 'rds-csi', keyFile: '/etc/rds/key', hostKey: 'SHA256:abc', insecureSkipHostKeyCheck: false, maxCommands: 4, commandTimeoutMs: 30_000 },
      attachment: { dualAttachTimeoutMs: 300_000, lockWaitMs: 10_000 },
    });
    expect(result.config.nodeId).toBeUndefined();
    expect(Object.isFrozen(result.config)).toBe(true);
  });

  it('takes every flag from its environment variable, flags winning', () => {
    const env = { CSI_ENDPOINT: 'unix:///run/csi.sock', RDS_CSI_MODE: 'node', NODE_ID: 'worker-7', RDS_CSI_LOG_LEVEL: 'debug' };
    const result = parseConfig(['--log-level', 'warn'], env, 'host-1');
    expect(result).toMatchObject({ ok: true, config: { socketPath: '/run/csi.sock', mode: 'node', nodeId: 'worker-7', logLevel: 'warn' } });
  });

  it('bounds the RouterOS command limits', () => {
    expect(parseConfig(['--mode', 'controller', ...rds, '--rds-max-commands', '8', '--rds-command-timeout', '5'], {}, 'h')).toMatchObject({ ok: true, config: { rds: { maxCommands: 8, commandTimeoutMs: 5_000 } } });
    expect(parseConfig(['--mode', 'controller', ...rds, '--rds-max-commands', '0'], {}, 'h')).toMatchObject({ ok: false, problems: [expect.stringMatching(/--rds-max-commands .*"0"/)] });
  });

  it('reads the leader election timing and the reconcile grace, refusing a retry period not below the lease', () => {
    expect(parseConfig(['--mode', 'controller', ...rds], {}, 'h')).toMatchObject({
      ok: true,
      config: { background: { leaseDurationMs: 15_000, retryPeriodMs: 2_000 }, attachment: { reconcileGraceMs: 120_000 } },
    });
    const flags = ['--leader-election-lease-duration', '6', '--leader-election-retry-period', '1', '--reconcile-grace', '30'];
    expect(parseConfig(['--mode', 'controller', ...rds, ...flags], {}, 'h')).toMatchObject({
      ok: true,
      config: { background: { leaseDurationMs: 6_000, retryPeriodMs: 1_000 }, attachment: { reconcileGraceMs: 30_000 } },
    });
    const bad = parseConfig(['--mode', 'controller', ...rds, '--leader-election-lease-duration', '4', '--leader-election-retry-period', '4', '--reconcile-grace', '0'], {}, 'h');
    expect(bad).toMatchObject({
      ok: false,
      problems: [
        expect.stringMatching(/--leader-election-retry-period .*4 s must be less than the lease duration \(4 s\)/),
        expect.stringMatching(/--reconcile-grace .*"0" is not a whole number from 1 to 3600/),
      ],
    });
  });

  it('defaults the node ID to the host name in node and all modes', () => {
    expect(parseConfig(['--mode', 'node'], {}, 'worker-9')).toMatchObject({ ok: true, config: { nodeId: 'worker-9' } });
  });

  it('lists every problem at once, naming the flag and its variables', () => {
    const result = parseConfig(
      ['--mode', 'controller', '--endpoint', 'tcp://x', '--rds-port', '99999', '--volume-base-path', 'relative', '--driver-name=-bad-', '--attachment-store', 'etcd', '--log-level', 'loud'],
      {},
      'h',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.problems.join('\n');
    for (const expected of [
      /--endpoint \(RDS_CSI_ENDPOINT or CSI_ENDPOINT\): "tcp:\/\/x" is not unix:\/\/PATH/,
      /--rds-port .*"99999"/,
      /--volume-base-path .*"relative"/,
      /--driver-name .*"-bad-"/,
      /--attachment-store .*"etcd" is not one of kubernetes, memory/,
      /--log-level .*"loud"/,
      /--rds-address .* is required in controller mode/,
      /--rds-key-file .* is required/,
      /--rds-host-key .* is required: pin the RDS host key/,
    ]) {
      expect(text).toMatch(expected);
    }
  });

  it('accepts an insecure host key choice explicitly, and the embedded simulator without RDS flags', () => {
    expect(parseConfig(['--mode', 'controller', '--rds-address', 'rds.lan', '--rds-user', 'u', '--rds-key-file', 'k', '--rds-insecure-skip-host-key-check'], {}, 'h').ok).toBe(true);
    expect(parseConfig(['--embedded-rds', './var/rds', '--attachment-store', 'memory'], {}, 'h').ok).toBe(true);
  });

  it('refuses unknown flags and bad host names', () => {
    expect(parseConfig(['--rds-adress', 'x', '--embedded-rds', 'd'], {}, 'h')).toMatchObject({ ok: false, problems: [expect.stringMatching(/rds-adress/)] });
    expect(parseConfig(['--mode', 'node'], {}, 'bad host')).toMatchObject({ ok: false, problems: [expect.stringMatching(/"bad host" is not a valid node ID/)] });
    expect(parseConfig(['--mode', 'controller', ...rds, '--nvme-address', 'a;b'], {}, 'h')).toMatchObject({ ok: false });
  });
});
