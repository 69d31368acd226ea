import { errorFromWire, ImageStackError } from '@imagestack/core';
import { spawnFitWorker } from '../workers/spawn';
import type { FitBackend, FitReply, FitReplyFor, FitRequest, FitWorkerMessage, FitWorkerReply } from './fitProtocol';

/**
 * The fit worker as a FitBackend: one persistent worker, requests answered in order by id. A
 * crashed worker fails what it held and is replaced on the next call (the caller then prepares
 * its meshes again: FitRuntime forgets them when a call fails).
 */
export function workerFitBackend(): FitBackend {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: FitReply) => void; reject: (e: unknown) => void }>();
  const failAll = (e: unknown) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const start = () => {
    const w = spawnFitWorker();
    w.onmessage = (e: MessageEvent<FitWorkerReply>) => {
      const m = e.data;
      const p = pending.get(m.requestId);
      if (!p) return;
      pending.delete(m.requestId);
      if (m.type === 'done') p.resolve(m.result);
      else p.reject(errorFromWire(m.error));
    };
    w.onerror = e => {
      w.terminate();
      if (worker === w) worker = undefined;
      failAll(new ImageStackError('corrupt', `the fit worker stopped (${e.message})`));
    };
    return w;
  };
  return {
    call<R extends FitRequest>(request: R) {
      worker ??= start();
      const requestId = nextId++;
      const message: FitWorkerMessage = { ...request, requestId };
      return new Promise<FitReplyFor<R>>((resolve, reject) => {
        pending.set(requestId, { resolve: resolve as (r: FitReply) => void, reject });
        // the mask is the caller's scratch copy: transferred, not copied; meshes stay the caller's
        worker!.postMessage(message, request.op === 'anatomy' ? [request.packed.buffer as ArrayBuffer] : []);
      });
    },
    dispose() {
      worker?.terminate();
      worker = undefined;
      failAll(new ImageStackError('cancelled', 'the device fit was closed'));
    },
  };
}
