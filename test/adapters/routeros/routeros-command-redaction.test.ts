import { describe, expect, it } from 'vitest';
import { redactRouterOsCommand } from '../../../src/adapters/routeros/routeros-command-redaction.js';

describe('redactRouterOsCommand', () => {
  it('leaves the driver\'s own commands untouched', () => {
    const commands = [
      '/disk add type=file file-path="storage-pool/metal-csi/pvc-1.img" file-size=1G slot="pvc-1" nvme-tcp-export=yes nvme-tcp-server-port=4420 nvme-tcp-server-nqn="nqn.2000-02.com.mikrotik:pvc-1"',
      '/disk print detail where slot="pvc-1"',
      '/file remove [find name="storage-pool/metal-csi/pvc-1.img"]',
      '/file print detail where name~"^storage-pool/metal-csi/snap-"',
      '/disk set [find slot="pvc-1"] file-size=2G',
    ];
    for (const c of commands) expect(redactRouterOsCommand(c)).toBe(c);
  });

  it('replaces the value of every secret-named argument, quoted, escaped or bare', () => {
    expect(redactRouterOsCommand('/user add name=csi group=rw password=hunter2')).toBe('/user add name=csi group=rw password=[redacted]');
    expect(redactRouterOsCommand('/user add name=csi password="two words \\" and a quote" group=rw')).toBe('/user add name=csi password=[redacted] group=rw');
    expect(redactRouterOsCommand('/user ssh-keys private import user=csi private-key-file=id passphrase="p p"')).toBe('/user ssh-keys private import user=csi private-key-file=[redacted] passphrase=[redacted]');
    expect(redactRouterOsCommand('/snmp community set [find name=public] authentication-password=abc')).toBe('/snmp community set [find name=public] authentication-password=[redacted]');
    expect(redactRouterOsCommand('/interface wireguard peers add preshared-key=AAAA public-key=BBBB')).toBe('/interface wireguard peers add preshared-key=[redacted] public-key=[redacted]');
    expect(redactRouterOsCommand('/ip ipsec identity add secret="unterminated')).toBe('/ip ipsec identity add secret=[redacted]');
    expect(redactRouterOsCommand('/x print where password~"^a"')).toBe('/x print where password~[redacted]');
  });
});
