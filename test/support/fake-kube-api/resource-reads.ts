import { kubeStatus, KubeStatusError } from './kube-status.js';
import { andMatchers, decodeContinue, encodeContinue, parseFieldSelector, parseLabelSelector, parseLimit } from './list-query.js';
import { jsonOf, type Entry, type ObjectStore } from './object-store.js';
import { apiVersionOf, type ResourceDef } from './resource-table.js';

export function getObjectJson(store: ObjectStore, def: ResourceDef, namespace: string | undefined, name: string): string {
  const entry = store.find(def.store, namespace, name);
  if (!entry) throw new KubeStatusError(kubeStatus.notFound({ resource: def.resource, group: def.group, name }));
  return jsonOf(entry);
}

export interface ListHooks {
  /** Consumes an injected "continue token expired" fault. */
  goneOnContinue: () => boolean;
}

/**
 * A list page as JSON text. Pages are served from the live store in key order (the real API serves continued pages
 * from the snapshot of the first one); `metadata.resourceVersion` of continued pages is the first page's.
 */
export function listJson(
  store: ObjectStore,
  def: ResourceDef,
  namespace: string | undefined,
  query: URLSearchParams,
  hooks: ListHooks,
): string {
  const limit = parseLimit(query.get('limit'));
  const token = query.get('continue');
  const matcher = andMatchers(parseLabelSelector(query.get('labelSelector')), parseFieldSelector(query.get('fieldSelector')));
  let rv = store.currentRv();
  let start: string | undefined;
  if (token) {
    const state = decodeContinue(token);
    if (hooks.goneOnContinue()) throw new KubeStatusError(kubeStatus.continueExpired(encodeContinue(rv, state.start)));
    rv = state.rv;
    start = state.start;
  }
  const page = store.page(def.store, {
    limit,
    ...(namespace === undefined ? {} : { namespace }),
    ...(matcher ? { matcher } : {}),
    ...(start === undefined ? {} : { start }),
  });
  const meta: Record<string, unknown> = { resourceVersion: String(rv) };
  if (page.continueAfter !== undefined) meta.continue = encodeContinue(rv, `${page.continueAfter}\u0000`);
  return (
    `{"kind":"${def.kind}List","apiVersion":"${apiVersionOf(def)}","metadata":${JSON.stringify(meta)},` +
    `"items":[${joinJson(page.entries)}]}`
  );
}

function joinJson(entries: Entry[]): string {
  let s = '';
  for (let i = 0; i < entries.length; i++) s += (i === 0 ? '' : ',') + jsonOf(entries[i]!);
  return s;
}
