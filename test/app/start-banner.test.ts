import { describe, expect, it } from 'vitest';
import { doctorCommand, shellWord, startBanner } from '../../src/app/start-banner.js';
import type { StartFacts } from '../../src/app/start-banner.js';
import { failureText, formatBytes, formatStep } from '../../scripts/demo-steps.js';

const facts: StartFacts = {
  version: '1.2.3',
  services: ['Identity', 'Controller', 'Node'],
  socketPath: '/home/me/rds-csi/var/csi.sock',
  dataDir: '/home/me/rds-csi/var/rds',
  ssh: { host: '127.0.0.1', port: 40022, user: 'admin' },
  hostKeyFingerprint: 'SHA256:zt89IS+uDhpMcwQD3bLYxy3xLoFRl60YkB9dDd7bYlU',
  privateKeyPath: '/home/me/my keys/client_ed25519_key',
  basePath: '/storage-pool/metal-csi',
  command: ['/usr/bin/node', '/home/me/rds-csi/dist/src/app/main.js'],
};

describe('the start banner', () => {
  it('quotes only the words a shell would split or expand', () => {
    expect(shellWord('/a/b.sock')).toBe('/a/b.sock');
    expect(shellWord('SHA256:ab+c/d')).toBe('SHA256:ab+c/d');
    expect(shellWord('my keys')).toBe("'my keys'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord('$HOME')).toBe("'$HOME'");
  });

  it('gives a doctor line with everything the driver uses to reach the simulator', () => {
    expect(doctorCommand(facts)).toEqual([
      '/usr/bin/node', '/home/me/rds-csi/dist/src/app/main.js', 'doctor', '--mode', 'controller',
      '--rds-address', '127.0.0.1', '--rds-port', '40022', '--rds-user', 'admin',
      '--rds-key-file', '/home/me/my keys/client_ed25519_key', '--rds-host-key', facts.hostKeyFingerprint,
      '--volume-base-path', '/storage-pool/metal-csi',
    ]);
    const text = startBanner(facts);
    expect(text).toContain("--rds-key-file '/home/me/my keys/client_ed25519_key'");
    expect(text).toContain('npm run demo -- --endpoint unix:///home/me/rds-csi/var/csi.sock');
    expect(text.split('\n')[0]).toBe('rds-csi 1.2.3 is serving CSI (Identity, Controller, Node) on unix:///home/me/rds-csi/var/csi.sock');
  });
});

describe('demo output', () => {
  it('formats steps, sizes and failures', () => {
    expect(formatStep(3, 'CreateVolume 1 GiB', 'pvc-1', 212.4)).toBe(' 3. CreateVolume 1 GiB             pvc-1 (212 ms)');
    expect(formatStep(12, 'x', 'ok', 4.04)).toBe('12. x                              ok (4.0 ms)');
    expect(formatBytes(2n * 1024n ** 3n)).toBe('2 GiB');
    expect(formatBytes(996_700_160)).toBe('950.5 MiB');
    expect(failureText(Object.assign(new Error('x'), { code: 9, details: 'volume is attached to node-a' }))).toBe('gRPC 9: volume is attached to node-a');
    expect(failureText(new Error('boom'))).toBe('boom');
  });
});
