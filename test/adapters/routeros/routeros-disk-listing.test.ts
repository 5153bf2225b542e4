import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDiskListing, parseDiskPrint } from '../../../src/adapters/routeros/routeros-output.js';
import type { CommandResult, RouterOsSession } from '../../../src/adapters/routeros/routeros-session.js';
import { RouterOsStorageBackend } from '../../../src/adapters/routeros/routeros-storage-backend.js';
import { BackendRejectedError } from '../../../src/domain/errors.js';
import { GiB } from '../../../src/domain/size.js';
import { parseBasePath } from '../../../src/domain/storage-path.js';
import { RecordingLogger } from '../../support/recording-logger.js';

/**
 * An unfiltered `/disk print detail` on a real RDS also lists physical disks, partitions, tmpfs and RAID
 * entries, some without a slot. The fixture (illustrative, not a capture) mixes those with this driver's
 * volumes, a foreign disk, a snapshot, an entry with an unterminated quote and one with unreadable sizes.
 */
const mixed = readFileSync(new URL('../../fixtures/routeros/disk-list-mixed.txt', import.meta.url), 'latin1');
const crlf = mixed.replace(/\n/g, '\r\n');

/** Answers `/disk print detail` with a canned text: the appliance edge, nothing else is faked. */
class CannedSession implements RouterOsSession {
  readonly state = 'connected' as const;
  readonly reconnectCount = 0;
  readonly commands: string[] = [];
  constructor(private readonly stdout: string) {}
  async run(command: string): Promise<CommandResult> {
    this.commands.push(command);
    if (command !== '/disk print detail') return { stdout: `bad command name ${command}\r\n`, stderr: '', exitCode: 1 };
    return { stdout: this.stdout, stderr: '', exitCode: 0 };
  }
  async close(): Promise<void> {}
}

const base = parseBasePath('/storage-pool/metal-csi');

describe('parseDiskListing', () => {
  it.each([['LF', mixed], ['CRLF', crlf]])('skips items it cannot read as disks (%s) and counts them', (_, text) => {
    const result = parseDiskListing(text);
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.value.skipped).toBe(3); // the partition without slot, the tmpfs with slot="", the broken quote
    expect(result.value.disks.map((d) => d.slot)).toEqual([
      'nvme1', 'pvc-11111111-aaaa', 'pvc-22222222-bbbb', 'homelab-vm1', 'snap-33333333-cccc', 'pvc-44444444-dddd',
      'pvc-55555555-eeee', 'raid1',
    ]);
  });

  it('is needed: the strict parser refuses the same answer', () => {
    expect(parseDiskPrint(mixed)).toMatchObject({ ok: false, error: { reason: 'disk entry without slot' } });
  });

  it('still fails on output that cannot be split into items', () => {
    expect(parseDiskListing('Flags: X - disabled\r\nsomething went wrong\r\n').ok).toBe(false);
  });
});

describe('RouterOsStorageBackend.listVolumes on a full appliance listing', () => {
  it.each([['LF', mixed], ['CRLF', crlf]])('returns only exported file volumes named <slot>.img (%s)', async (_, text) => {
    const session = new CannedSession(text);
    const logger = new RecordingLogger();
    const backend = new RouterOsStorageBackend(session, logger);
    const scoped = await backend.listVolumes(base);
    expect(scoped).toEqual([
      {
        id: 'pvc-11111111-aaaa',
        sizeBytes: 10 * GiB,
        filePath: '/storage-pool/metal-csi/pvc-11111111-aaaa.img',
        nvme: { port: 4420, nqn: 'nqn.2000-02.com.mikrotik:pvc-11111111-aaaa' },
      },
      {
        id: 'pvc-22222222-bbbb',
        sizeBytes: 2 * GiB,
        filePath: '/storage-pool/metal-csi/pvc-22222222-bbbb.img',
        nvme: { port: 4421, nqn: 'nqn.2000-02.com.mikrotik:pvc-22222222-bbbb' },
      },
    ]);
    const all = await backend.listVolumes();
    expect(all.map((v) => v.id)).toEqual(['pvc-11111111-aaaa', 'pvc-22222222-bbbb', 'homelab-vm1', 'pvc-44444444-dddd']);
    expect(session.commands).toEqual(['/disk print detail', '/disk print detail']);
    expect(logger.at('debug').some((l) => l.fields.skipped === 3)).toBe(true);
  });

  it('reports output it cannot split at all as a refusal, not as an empty list', async () => {
    const backend = new RouterOsStorageBackend(new CannedSession('garbage\r\n'), new RecordingLogger());
    await expect(backend.listVolumes(base)).rejects.toBeInstanceOf(BackendRejectedError);
  });
});
