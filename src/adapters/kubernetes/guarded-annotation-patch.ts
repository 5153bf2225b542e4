export interface JsonPatchOperation {
  readonly op: 'test' | 'add' | 'remove';
  readonly path: string;
  readonly value?: unknown;
}

/** What a guarded write is made against: the PV as last read. */
export interface GuardedTarget {
  readonly resourceVersion: string;
  /** Every annotation of the PV, or undefined when it has no annotation map. */
  readonly allAnnotations: Readonly<Record<string, string>> | undefined;
}

/**
 * A JSON patch (RFC 6902) that sets or removes annotations only if the PV's annotations are still
 * exactly those last read. The API server applies it atomically and answers 422 when the test
 * fails, so a write decided on a stale record can never land, while changes to the PV's labels,
 * spec or status do not disturb it. A `test` cannot state that a key is absent, which is why the
 * whole map is tested; a PV with no map at all is pinned by its resourceVersion instead.
 * `desired` maps each key to its new value, or null to remove it.
 */
export function guardedAnnotationPatch(
  target: GuardedTarget,
  desired: Readonly<Record<string, string | null>>,
): JsonPatchOperation[] {
  const current = target.allAnnotations;
  if (current === undefined) {
    const created = Object.fromEntries(Object.entries(desired).filter((e): e is [string, string] => e[1] !== null));
    return [
      { op: 'test', path: '/metadata/resourceVersion', value: target.resourceVersion },
      { op: 'add', path: '/metadata/annotations', value: created },
    ];
  }
  const ops: JsonPatchOperation[] = [{ op: 'test', path: '/metadata/annotations', value: { ...current } }];
  for (const [key, value] of Object.entries(desired)) {
    if (value !== null) ops.push({ op: 'add', path: annotationPath(key), value });
    else if (key in current) ops.push({ op: 'remove', path: annotationPath(key) });
  }
  return ops;
}

/** JSON pointer to an annotation: `~` and `/` in the key escaped as RFC 6901 says. */
export function annotationPath(key: string): string {
  return `/metadata/annotations/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}
