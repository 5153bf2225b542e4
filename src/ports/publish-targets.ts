import type { ServiceIdentifier } from 'inversify';

export type PathKind = 'missing' | 'directory' | 'block-device' | 'file' | 'other';

/**
 * The files and directories the node plugin creates at publish targets. Paths are absolute and
 * validated before use. Callers serialise per volume.
 * - `ensureDirectory` creates a directory (and missing parents); an existing directory is fine.
 * - `createBlockNode` makes `target` a block special file for `device` (mknod with the device's
 *   major:minor; never a bind mount from /dev). With `readonly`, the node points at a read-only
 *   view of the device (a read-only loop device), so writes fail in the kernel even for root; the
 *   view's path is returned so it can be released. Idempotent for an existing node of the same device.
 * - `removeTarget` removes what a publish created: an empty directory, a block special file, or an
 *   empty regular file; anything else (a non-empty directory, a mount point) is refused with
 *   HostPreconditionError, never deleted recursively. Missing → no-op.
 * - `releaseReadOnlyView` detaches a view returned by `createBlockNode`; idempotent.
 */
export interface PublishTargets {
  kindOf(path: string): Promise<PathKind>;
  ensureDirectory(path: string): Promise<void>;
  createBlockNode(device: string, target: string, readonly: boolean, signal?: AbortSignal): Promise<{ readOnlyView?: string }>;
  removeTarget(path: string): Promise<void>;
  releaseReadOnlyView(view: string, signal?: AbortSignal): Promise<void>;
  /** Whether `path` exists and is a block device (a device that vanished after a reconnect is not). */
  isBlockDevice(path: string): Promise<boolean>;
}
export const PublishTargets = Symbol.for('rds-csi.PublishTargets') as ServiceIdentifier<PublishTargets>;
