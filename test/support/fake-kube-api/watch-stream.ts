import type { ServerResponse } from 'node:http';
import { kubeStatus, KubeStatusError } from './kube-status.js';
import type { KubeObject } from './kube-object.js';
import { andMatchers, parseFieldSelector, parseLabelSelector, type Matcher } from './list-query.js';
import type { ObjectStore } from './object-store.js';
import type { ResourceDef } from './resource-table.js';
import type { StoredEvent, WatchEventType } from './watch-hub.js';

const line = (type: WatchEventType | 'ERROR', object: unknown) => `${JSON.stringify({ type, object })}\n`;

/** What a watcher sees of a stored event: selector transitions become ADDED/DELETED, non-matches nothing. */
function viewOf(ev: StoredEvent, namespace: string | undefined, matcher: Matcher | undefined): WatchEventType | undefined {
  if (namespace !== undefined && ev.object.metadata.namespace !== namespace) return undefined;
  if (!matcher) return ev.type;
  const now = matcher(ev.object);
  if (ev.type !== 'MODIFIED') return now ? ev.type : undefined;
  const before = matcher(ev.previous as KubeObject);
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}

/**
 * Serves `?watch=true` as newline-delimited JSON events. Without a resourceVersion (or with "0") it first sends
 * ADDED for every current object; with one it replays history after it, or sends an ERROR event carrying a 410
 * Expired Status and ends when that history is gone. Ends after `timeoutSeconds`, or when `closeAll` is called.
 */
export function serveWatch(
  res: ServerResponse,
  store: ObjectStore,
  def: ResourceDef,
  namespace: string | undefined,
  query: URLSearchParams,
  register: (close: () => void) => () => void,
  eventDelayMs: () => number = () => 0,
): void {
  const matcher = andMatchers(parseLabelSelector(query.get('labelSelector')), parseFieldSelector(query.get('fieldSelector')));
  const rvParam = query.get('resourceVersion') ?? '';
  const fromRv = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
  if (fromRv !== undefined && !Number.isInteger(fromRv)) {
    throw new KubeStatusError(kubeStatus.badRequest(`invalid resourceVersion ${JSON.stringify(rvParam)}`));
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();

  if (fromRv !== undefined) {
    const missed = store.watch.since(def.store, fromRv);
    if (!missed) {
      res.end(line('ERROR', kubeStatus.tooOldResourceVersion(rvParam, store.watch.oldestAvailable())));
      return;
    }
    for (const ev of missed) {
      const type = viewOf(ev, namespace, matcher);
      if (type) res.write(line(type, ev.object));
    }
  } else {
    const page = store.page(def.store, { limit: 0, ...(namespace === undefined ? {} : { namespace }), ...(matcher ? { matcher } : {}) });
    for (const entry of page.entries) res.write(line('ADDED', entry.obj));
  }

  let timer: NodeJS.Timeout | undefined;
  const close = () => {
    unsubscribe();
    unregister();
    if (timer) clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const unsubscribe = store.watch.subscribe(def.store, (ev) => {
    const type = viewOf(ev, namespace, matcher);
    if (!type) return;
    const text = line(type, ev.object);
    const delay = eventDelayMs();
    if (delay <= 0) res.write(text);
    else setTimeout(() => void (res.writableEnded || res.write(text)), delay);
  });
  const unregister = register(close);
  res.on('close', close);
  const timeout = Number(query.get('timeoutSeconds') ?? '');
  if (timeout > 0) timer = setTimeout(close, timeout * 1000);
}
