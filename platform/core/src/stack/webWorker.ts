// The browser's side of the decode pool, without DOM types: a spawn function over Web Workers
// and the message handler their entry script installs. The extension's worker entry is:
//
//   import { serveSliceRequests } from '@imagestack/core';
//   serveSliceRequests(self as any);
//
// and the pool: createDecodePool({ workers: 2, spawn: webWorkerSpawner(() => new Worker(url)) }).
import { createSliceDecoder, type SliceReply, type SliceRequest, type SourceReader } from './decodeSlice';
import type { SpawnWorker } from './pool';

/** What we use of a Web Worker (or anything shaped like one). */
export interface WebWorkerLike {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** A SpawnWorker for Web Workers made by `create`. */
export function webWorkerSpawner(create: () => WebWorkerLike): SpawnWorker {
  return ({ onReply, onError }) => {
    const w = create();
    w.onmessage = e => onReply(e.data as SliceReply);
    w.onerror = e => onError((e as { message?: string })?.message ? new Error((e as { message: string }).message) : e);
    return {
      post: (req, transfer) => w.postMessage(req, transfer),
      terminate: () => w.terminate(),
    };
  };
}

/** What a worker's global scope offers (DedicatedWorkerGlobalScope, or a test double). */
export interface WorkerScopeLike {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/**
 * Install the decode step in a worker: each SliceRequest (sources are Files/Blobs or bytes)
 * is answered with a SliceReply, the voxels' buffer transferred. At most `concurrency` are
 * read and decoded at once, in the order they came; the rest wait here. So the page can hand a
 * worker many requests ahead (the import gives each worker 96): while the viewer opened, the
 * page's thread was busy for seconds at a time, and workers holding eight requests ran dry
 * waiting for the next (2 GB captures: idle 2.0 s of their 6.1 s), while eight reads at once
 * are as fast as any more.
 */
export function serveSliceRequests(scope: WorkerScopeLike, reader?: SourceReader, concurrency = 8): void {
  const decoder = createSliceDecoder(reader);
  const queue: SliceRequest[] = [];
  let running = 0;
  const pump = () => {
    while (running < concurrency && queue.length) {
      const req = queue.shift()!;
      running++;
      void decoder.handle(req).then(({ reply, transfer }) => {
        scope.postMessage(reply, transfer);
        running--;
        pump();
      });
    }
  };
  scope.onmessage = e => {
    queue.push(e.data as SliceRequest);
    pump();
  };
}
