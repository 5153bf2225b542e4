import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import {
  ControllerServiceCapability_RPC_Type as ControllerCap,
  ControllerService,
  CreateVolumeRequest,
  IdentityService,
  NodePublishVolumeRequest,
  NodeServiceCapability_RPC_Type as NodeCap,
  NodeService,
  PluginCapability_Service_Type as PluginService,
  PluginCapability_VolumeExpansion_Type as Expansion,
  ProbeResponse,
  SnapshotMetadataService,
  VolumeCapability,
  VolumeCapability_AccessMode_Mode as Mode,
  VolumeUsage_Unit as UsageUnit,
} from '../../src/generated/csi/csi.js';

// Field numbers below are the CSI v1.10.0 ones, written out independently of the generated code
// so that a renumbered or retyped field in proto/csi.proto is caught here.

interface WireField {
  no: number;
  type: WireType;
  bytes?: Uint8Array;
  varint?: bigint;
}

/** Splits one message level into its fields, without any schema. */
function wireFields(buf: Uint8Array): WireField[] {
  const reader = new BinaryReader(buf);
  const out: WireField[] = [];
  while (reader.pos < reader.len) {
    const [no, type] = reader.tag();
    if (type === WireType.LengthDelimited) out.push({ no, type, bytes: reader.bytes() });
    else if (type === WireType.Varint) out.push({ no, type, varint: BigInt(reader.uint64()) });
    else {
      reader.skip(type, no);
      out.push({ no, type });
    }
  }
  return out;
}

const numbers = (buf: Uint8Array) => wireFields(buf).map((f) => f.no);
const only = (buf: Uint8Array, no: number): WireField => {
  const hits = wireFields(buf).filter((f) => f.no === no);
  expect(hits).toHaveLength(1);
  return hits[0]!;
};
const bytesOf = (f: WireField): Uint8Array => f.bytes ?? new Uint8Array();
const text = (f: WireField) => new TextDecoder().decode(bytesOf(f));

const blockCap: VolumeCapability = {
  accessType: { $case: 'block', value: {} },
  accessMode: { mode: Mode.MULTI_NODE_MULTI_WRITER },
};
const mountCap: VolumeCapability = {
  accessType: { $case: 'mount', value: { fsType: 'xfs', mountFlags: ['noatime', 'nodev'], volumeMountGroup: '2000' } },
  accessMode: { mode: Mode.SINGLE_NODE_MULTI_WRITER },
};

const request: CreateVolumeRequest = {
  name: 'pvc-0b6c3c0e',
  capacityRange: { requiredBytes: 2n ** 40n, limitBytes: 2n ** 62n },
  volumeCapabilities: [blockCap, mountCap],
  parameters: { fsType: 'ext4', pool: 'nvme1' },
  secrets: { sshKey: 'not-a-real-key' },
  volumeContentSource: { type: { $case: 'snapshot', value: { snapshotId: 'snap-1' } } },
  accessibilityRequirements: { requisite: [{ segments: { zone: 'a' } }], preferred: [] },
  mutableParameters: { iops: '1000' },
};

describe('CreateVolumeRequest', () => {
  const encoded = CreateVolumeRequest.encode(request).finish();

  it('round-trips capabilities, maps, int64 and the content-source oneof', () => {
    const decoded = CreateVolumeRequest.decode(encoded);
    expect(decoded).toEqual(request);
    expect(typeof decoded.capacityRange?.requiredBytes).toBe('bigint');
    expect(decoded.volumeContentSource?.type?.$case).toBe('snapshot');
  });

  it('round-trips the volume variant of the content source', () => {
    const clone = { ...request, volumeContentSource: { type: { $case: 'volume' as const, value: { volumeId: 'vol-9' } } } };
    const bytes = CreateVolumeRequest.encode(clone).finish();
    expect(CreateVolumeRequest.decode(bytes).volumeContentSource).toEqual(clone.volumeContentSource);
    const source = only(bytes, 6);
    expect(numbers(bytesOf(source))).toEqual([2]);
    expect(text(only(bytesOf(only(bytesOf(source), 2)), 1))).toBe('vol-9');
  });

  it('puts each field under its spec number', () => {
    expect(numbers(encoded)).toEqual([1, 2, 3, 3, 4, 4, 5, 6, 7, 8]);
    expect(wireFields(encoded).every((f) => f.type === WireType.LengthDelimited)).toBe(true);
    expect(text(only(encoded, 1))).toBe('pvc-0b6c3c0e');

    const capacity = wireFields(bytesOf(only(encoded, 2)));
    expect(capacity).toEqual([
      { no: 1, type: WireType.Varint, varint: 2n ** 40n },
      { no: 2, type: WireType.Varint, varint: 2n ** 62n },
    ]);

    const secret = wireFields(bytesOf(only(encoded, 5)));
    expect(secret.map((f) => [f.no, text(f)])).toEqual([
      [1, 'sshKey'],
      [2, 'not-a-real-key'],
    ]);

    const snapshot = only(bytesOf(only(encoded, 6)), 1);
    expect(text(only(bytesOf(snapshot), 1))).toBe('snap-1');

    const requisite = only(bytesOf(only(encoded, 7)), 1);
    expect(numbers(bytesOf(requisite))).toEqual([1]);
  });

  it('encodes block (1), mount (2) and access_mode (3) inside VolumeCapability', () => {
    const [block, mount] = wireFields(encoded).filter((f) => f.no === 3);
    expect(numbers(bytesOf(block!))).toEqual([1, 3]);
    expect(only(bytesOf(only(bytesOf(block!), 3)), 1).varint).toBe(5n);

    expect(numbers(bytesOf(mount!))).toEqual([2, 3]);
    const mountVolume = wireFields(bytesOf(only(bytesOf(mount!), 2)));
    expect(mountVolume.map((f) => [f.no, text(f)])).toEqual([
      [1, 'xfs'],
      [2, 'noatime'],
      [2, 'nodev'],
      [3, '2000'],
    ]);
    expect(only(bytesOf(only(bytesOf(mount!), 3)), 1).varint).toBe(7n);
  });
});

describe('NodePublishVolumeRequest decoded from hand-built bytes', () => {
  it('maps spec field numbers 1-8 to the generated properties', () => {
    const w = new BinaryWriter();
    const entry = (no: number, key: string, value: string) =>
      w.tag(no, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(key)
        .tag(2, WireType.LengthDelimited).string(value).join();
    w.tag(1, WireType.LengthDelimited).string('vol-1');
    entry(2, 'nqn', 'nqn.2000-02.com.mikrotik:pvc-1');
    w.tag(3, WireType.LengthDelimited).string('/var/lib/kubelet/staging');
    w.tag(4, WireType.LengthDelimited).string('/var/lib/kubelet/pods/x/volumes/y');
    w.tag(5, WireType.LengthDelimited).fork()
      .tag(1, WireType.LengthDelimited).fork().join()
      .tag(3, WireType.LengthDelimited).fork().tag(1, WireType.Varint).int32(1).join()
      .join();
    w.tag(6, WireType.Varint).bool(true);
    entry(7, 'token', 'secret-value');
    entry(8, 'size', '1Gi');

    expect(NodePublishVolumeRequest.decode(w.finish())).toEqual({
      volumeId: 'vol-1',
      publishContext: { nqn: 'nqn.2000-02.com.mikrotik:pvc-1' },
      stagingTargetPath: '/var/lib/kubelet/staging',
      targetPath: '/var/lib/kubelet/pods/x/volumes/y',
      volumeCapability: { accessType: { $case: 'block', value: {} }, accessMode: { mode: Mode.SINGLE_NODE_WRITER } },
      readonly: true,
      secrets: { token: 'secret-value' },
      volumeContext: { size: '1Gi' },
    });
  });
});

describe('ProbeResponse.ready (google.protobuf.BoolValue, field 1)', () => {
  it('keeps false distinct from unset on the wire and after decoding', () => {
    const notReady = ProbeResponse.encode({ ready: false }).finish();
    const unset = ProbeResponse.encode({}).finish();
    const ready = ProbeResponse.encode({ ready: true }).finish();

    expect([...notReady]).toEqual([0x0a, 0x00]);
    expect([...unset]).toEqual([]);
    expect([...ready]).toEqual([0x0a, 0x02, 0x08, 0x01]);

    expect(ProbeResponse.decode(notReady).ready).toBe(false);
    expect(ProbeResponse.decode(unset).ready).toBeUndefined();
    expect(ProbeResponse.decode(ready).ready).toBe(true);
  });
});

describe('enum values (CSI v1.10.0)', () => {
  it('matches the spec numbers', () => {
    expect([PluginService.CONTROLLER_SERVICE, PluginService.VOLUME_ACCESSIBILITY_CONSTRAINTS]).toEqual([1, 2]);
    expect([PluginService.GROUP_CONTROLLER_SERVICE, PluginService.SNAPSHOT_METADATA_SERVICE]).toEqual([3, 4]);
    expect([Expansion.ONLINE, Expansion.OFFLINE]).toEqual([1, 2]);
    expect([
      ControllerCap.CREATE_DELETE_VOLUME, ControllerCap.PUBLISH_UNPUBLISH_VOLUME, ControllerCap.LIST_VOLUMES,
      ControllerCap.GET_CAPACITY, ControllerCap.CREATE_DELETE_SNAPSHOT, ControllerCap.LIST_SNAPSHOTS,
      ControllerCap.CLONE_VOLUME, ControllerCap.PUBLISH_READONLY, ControllerCap.EXPAND_VOLUME,
      ControllerCap.LIST_VOLUMES_PUBLISHED_NODES, ControllerCap.VOLUME_CONDITION, ControllerCap.GET_VOLUME,
      ControllerCap.SINGLE_NODE_MULTI_WRITER, ControllerCap.MODIFY_VOLUME,
    ]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect([
      NodeCap.STAGE_UNSTAGE_VOLUME, NodeCap.GET_VOLUME_STATS, NodeCap.EXPAND_VOLUME, NodeCap.VOLUME_CONDITION,
      NodeCap.SINGLE_NODE_MULTI_WRITER, NodeCap.VOLUME_MOUNT_GROUP,
    ]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([
      Mode.SINGLE_NODE_WRITER, Mode.SINGLE_NODE_READER_ONLY, Mode.MULTI_NODE_READER_ONLY,
      Mode.MULTI_NODE_SINGLE_WRITER, Mode.MULTI_NODE_MULTI_WRITER, Mode.SINGLE_NODE_SINGLE_WRITER,
      Mode.SINGLE_NODE_MULTI_WRITER,
    ]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect([UsageUnit.UNKNOWN, UsageUnit.BYTES, UsageUnit.INODES]).toEqual([0, 1, 2]);
  });
});

describe('grpc-js service definitions', () => {
  it('use the csi.v1 method paths that COs call', () => {
    expect(IdentityService.probe.path).toBe('/csi.v1.Identity/Probe');
    expect(ControllerService.createVolume.path).toBe('/csi.v1.Controller/CreateVolume');
    expect(ControllerService.controllerModifyVolume.path).toBe('/csi.v1.Controller/ControllerModifyVolume');
    expect(NodeService.nodeStageVolume.path).toBe('/csi.v1.Node/NodeStageVolume');
    expect(NodeService.nodeGetInfo.path).toBe('/csi.v1.Node/NodeGetInfo');
    expect(Object.keys(ControllerService)).not.toContain('getSnapshot');
    expect(SnapshotMetadataService.getMetadataDelta.responseStream).toBe(true);
  });
});
