// A pool of decode workers with an injected spawn function: the same code drives Web Workers
// in the browser and worker_threads in Node. Slices stream back as they finish; the caller
// copies each into the preallocated volume. With no spawn (or 0 workers) it decodes on the
// calling thread, yielding between slices so progress and cancellation still work.
import { ImageStackError } from '../errors';
import { createSliceDecoder, replyError, type SliceReply, type SliceRequest, type SliceResult, type SourceReader } from './decodeSlice';

/** The pool's side of one worker. */
export interface WorkerPort {
  post(request: SliceRequest): void;
  terminate(): void;
}

/**
 * Start one worker that runs `createSliceDecoder(...).handle` on each request and calls
 * `onReply` with each reply (transferring `result.voxels.buffer`). `onError`: the worker died.
 */
export type SpawnWorker = (handlers: { onReply(reply: SliceReply): void; onError(error: unknown): void }) => WorkerPort;

export interface DecodePoolOptions {
  /** Number of workers; 0 decodes on the calling thread. Default 0. */
  workers?: number;
  spawn?: SpawnWorker;
  /** For decoding on the calling thread when the sources need one (paths in Node). */
  reader?: SourceReader;
  /** Each finished slice, in completion order (not slice order). */
  onSlice(result: SliceResult): void;
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
  /** Requests in flight per worker (2 keeps a worker reading the next file while it decodes). */
  inFlightPerWorker?: number;
}

function cancelled(): ImageStackError {
  return new ImageStackError('cancelled', 'reading the stack was cancelled');
}

/** Decode every request; resolves when all are delivered to onSlice, rejects on the first error or on abort. */
export async function runDecodePool(requests: readonly SliceRequest[], opts: DecodePoolOptions): Promise<void> {
  const total = requests.length;
  const { signal, onProgress, onSlice } = opts;
  if (signal?.aborted) throw cancelled();
  const workers = opts.spawn ? Math.max(0, Math.min(opts.workers ?? 0, total)) : 0;
  if (workers === 0) {
    const decoder = createSliceDecoder(opts.reader);
    for (let i = 0; i < total; i++) {
      if (signal?.aborted) throw cancelled();
      onSlice(await decoder.decode(requests[i]));
      onProgress?.(i + 1, total);
      if ((i & 7) === 7) await new Promise(r => setTimeout(r, 0)); // let an abort arrive
    }
    return;
  }

  const perWorker = Math.max(1, opts.inFlightPerWorker ?? 2);
  return new Promise<void>((resolve, reject) => {
    const ports: WorkerPort[] = [];
    const inFlight: number[] = [];
    let next = 0;
    let done = 0;
    let finished = false;
    const finish = (err?: unknown) => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      for (const p of ports) p.terminate();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => finish(cancelled());
    signal?.addEventListener('abort', onAbort);
    const feed = (w: number) => {
      while (!finished && next < total && inFlight[w] < perWorker) {
        inFlight[w]++;
        ports[w].post(requests[next++]);
      }
    };
    for (let w = 0; w < workers; w++) {
      inFlight.push(0);
      const port = opts.spawn!({
        onReply: reply => {
          if (finished) return;
          inFlight[w]--;
          if (!reply.ok) return finish(replyError(reply));
          try {
            onSlice(reply.result);
          } catch (e) {
            return finish(e);
          }
          done++;
          onProgress?.(done, total);
          if (done === total) return finish();
          feed(w);
        },
        onError: e => finish(e instanceof ImageStackError ? e : new Error(`a decode worker failed: ${(e as Error)?.message ?? String(e)}`)),
      });
      ports.push(port);
    }
    for (let w = 0; w < workers; w++) feed(w);
  });
}
