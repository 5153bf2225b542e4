import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultPlan } from './fault-plan.js';
import { kubeStatus, KubeStatusError, type KubeStatus } from './kube-status.js';
import type { ObjectStore } from './object-store.js';
import type { RequestLog, RequestRecord } from './request-log.js';
import { getObjectJson, listJson } from './resource-reads.js';
import { createObject, deleteObject, patchObject, updateObject, type WriteTarget } from './resource-writes.js';
import { parseRoute, verbOf, type Route, type Verb } from './route.js';
import { serveWatch } from './watch-stream.js';

export interface HandlerDeps {
  store: ObjectStore;
  faults: FaultPlan;
  log: RequestLog;
  /** Bearer token every request must carry. */
  token: string;
  /** User named in 403 messages. */
  user: string;
  /** Open watch streams, closed when the server stops. */
  watches: Set<() => void>;
}

const VERSION = { major: '1', minor: '33', gitVersion: 'v1.33.0-fake', platform: 'linux/amd64' };

function send(res: ServerResponse, rec: RequestRecord, status: number, json: string): void {
  rec.status = status;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

const sendStatus = (res: ServerResponse, rec: RequestRecord, s: KubeStatus) => send(res, rec, s.code, JSON.stringify(s));

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new KubeStatusError(kubeStatus.badRequest(`invalid JSON body: ${(e as Error).message}`));
  }
}

/** Node request listener implementing the resource routes, auth, faults and the request log. */
export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rec: RequestRecord = {
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      status: 0,
      ...(req.headers['content-type'] === undefined ? {} : { contentType: req.headers['content-type'] }),
    };
    deps.log.add(rec);
    handle(deps, req, res, rec).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = e instanceof KubeStatusError ? e.status : kubeStatus.serverError(500, String(e));
      sendStatus(res, rec, status);
    });
  };
}

async function handle(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, rec: RequestRecord): Promise<void> {
  if (deps.faults.delay > 0) await sleep(deps.faults.delay);
  if (req.headers.authorization !== `Bearer ${deps.token}`) return sendStatus(res, rec, kubeStatus.unauthorized());
  if (rec.path === '/version') return send(res, rec, 200, JSON.stringify(VERSION));
  if (rec.path === '/healthz' || rec.path === '/livez' || rec.path === '/readyz') {
    rec.status = 200;
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    return;
  }
  const route = parseRoute(rec.path);
  if (!route) {
    return sendStatus(res, rec, kubeStatus.unknownPath());
  }
  const query = new URLSearchParams(rec.query);
  const verb = verbOf(rec.method, route, query);
  if (!verb || verb === 'deletecollection') return sendStatus(res, rec, kubeStatus.methodNotAllowed(rec.method));
  rec.kind = route.def.store;
  rec.verb = verb;
  if (route.subresource) rec.subresource = route.subresource;
  const slow = deps.faults.delayFor(route.def.store, verb);
  if (slow > 0) await sleep(slow);
  await deps.faults.passBarrier(route.def.store, verb);

  const failure = deps.faults.takeFailure(route.def.store);
  if (failure !== undefined) {
    return sendStatus(res, rec, kubeStatus.serverError(failure, `fake-kube-api: injected failure (HTTP ${failure})`));
  }
  const rbacResource = route.subresource ? (`${route.def.store}/status` as const) : route.def.store;
  if (deps.faults.isForbidden(rbacResource, verb)) {
    const t = { resource: route.def.resource, group: route.def.group, ...(route.name === undefined ? {} : { name: route.name }) };
    return sendStatus(res, rec, kubeStatus.forbidden(t, verb, deps.user));
  }
  await dispatch(deps, req, res, rec, route, verb, query);
}

async function dispatch(
  deps: HandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  rec: RequestRecord,
  route: Route,
  verb: Verb,
  query: URLSearchParams,
): Promise<void> {
  const { store, faults } = deps;
  const { def, namespace, name } = route;
  const target: WriteTarget = { store, def, ...(namespace === undefined ? {} : { namespace }) };
  const writeOpts = {
    ...(route.subresource ? { subresource: route.subresource } : {}),
    injectedConflict: () => faults.takeConflict(def.store),
  };
  switch (verb) {
    case 'get':
      return send(res, rec, 200, getObjectJson(store, def, namespace, name!));
    case 'list':
      return send(res, rec, 200, listJson(store, def, namespace, query, { goneOnContinue: () => faults.takeGoneOnContinue() }));
    case 'watch':
      rec.status = 200;
      serveWatch(res, store, def, namespace, query, (close) => {
        deps.watches.add(close);
        return () => deps.watches.delete(close);
      }, () => faults.watchEventDelay);
      return;
    case 'create':
      return send(res, rec, 201, JSON.stringify(createObject(target, await readJsonBody(req))));
    case 'update':
      return send(res, rec, 200, JSON.stringify(updateObject(target, name!, await readJsonBody(req), writeOpts)));
    case 'patch': {
      const body = await readJsonBody(req);
      return send(res, rec, 200, JSON.stringify(patchObject(target, name!, rec.contentType ?? '', body, writeOpts)));
    }
    case 'delete':
      return send(res, rec, 200, JSON.stringify(deleteObject(target, name!, await readJsonBody(req))));
    default:
      return sendStatus(res, rec, kubeStatus.methodNotAllowed(rec.method));
  }
}
