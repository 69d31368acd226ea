// A pool of decode workers with an injected spawn function: the same code drives Web Workers
// in the browser and worker_threads in Node. Slices stream back as they finish; the caller
// copies each into the preallocated volume, and the spent buffer goes back to the worker for
// its next slice. With no spawn (or 0 workers) it decodes on the calling thread, yielding
// between slices so progress and cancellation still work.
import { ImageStackError } from '../errors';
import { createSliceDecoder, replyError, type SliceReply, type SliceRequest, type SliceResult, type SourceReader } from './decodeSlice';

/** The pool's side of one worker. */
export interface WorkerPort {
  /** Send a request, transferring `transfer` (a recycled result buffer, when there is one). */
  post(request: SliceRequest, transfer: ArrayBuffer[]): void;
  terminate(): void;
}

/**
 * Start one worker that runs `createSliceDecoder(...).handle` on each request and calls
 * `onReply` with each reply (transferring `result.voxels.buffer`). `onError`: the worker died.
 */
export type SpawnWorker = (handlers: { onReply(reply: SliceReply): void; onError(error: unknown): void }) => WorkerPort;

export interface DecodePoolConfig {
  /** Number of workers; 0 decodes on the calling thread. Default 0. */
  workers?: number;
  spawn?: SpawnWorker;
  /** For decoding on the calling thread when the sources need one (paths in Node). */
  reader?: SourceReader;
  /** Requests in flight per worker (2: the next request is waiting when one finishes). */
  inFlightPerWorker?: number;
}

export interface DecodeRunOptions {
  /**
   * Each finished slice, in completion order (not slice order). Copy the voxels out before
   * returning: their buffer goes back to a worker for the next slice.
   */
  onSlice(result: SliceResult): void;
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
}

export interface DecodePool {
  readonly workers: number;
  /** Decode every request; resolves when all are delivered, rejects on the first error or on abort (which also closes the pool). */
  run(requests: readonly SliceRequest[], opts: DecodeRunOptions): Promise<void>;
  /** Stop the workers. */
  close(): void;
}

export type DecodePoolOptions = DecodePoolConfig & DecodeRunOptions;

function cancelled(): ImageStackError {
  return new ImageStackError('cancelled', 'reading the stack was cancelled');
}

/**
 * Start a pool now (workers boot while the caller plans), run it later. One run at a time.
 */
export function createDecodePool(config: DecodePoolConfig): DecodePool {
  const count = config.spawn ? Math.max(0, config.workers ?? 0) : 0;
  const perWorker = Math.max(1, config.inFlightPerWorker ?? 2);
  // Per worker: its port, requests in flight and spare buffers. Replies go to the current run.
  let current: { onReply(w: number, r: SliceReply): void; onError(e: unknown): void } | null = null;
  let closed = false;
  const ports: WorkerPort[] = [];
  const spares: ArrayBuffer[][] = [];
  for (let w = 0; w < count; w++) {
    spares.push([]);
    ports.push(
      config.spawn!({
        onReply: reply => current?.onReply(w, reply),
        onError: e => current?.onError(e),
      }),
    );
  }
  const close = () => {
    if (closed) return;
    closed = true;
    for (const p of ports) p.terminate();
  };

  async function runInline(requests: readonly SliceRequest[], opts: DecodeRunOptions): Promise<void> {
    const decoder = createSliceDecoder(config.reader);
    const total = requests.length;
    let spare: ArrayBuffer | undefined;
    for (let i = 0; i < total; i++) {
      if (opts.signal?.aborted) throw cancelled();
      const result = await decoder.decode(spare ? { ...requests[i], into: spare } : requests[i]);
      opts.onSlice(result);
      spare = result.voxels.buffer as ArrayBuffer;
      opts.onProgress?.(i + 1, total);
      if ((i & 7) === 7) await new Promise(r => setTimeout(r, 0)); // let an abort arrive
    }
  }

  function runWorkers(requests: readonly SliceRequest[], opts: DecodeRunOptions): Promise<void> {
    const total = requests.length;
    const { signal, onProgress, onSlice } = opts;
    return new Promise<void>((resolve, reject) => {
      const inFlight = ports.map(() => 0);
      let next = 0;
      let done = 0;
      let finished = false;
      const finish = (err?: unknown) => {
        if (finished) return;
        finished = true;
        current = null;
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          close(); // replies still in flight would land in the next run
          reject(err);
        } else resolve();
      };
      const onAbort = () => finish(cancelled());
      signal?.addEventListener('abort', onAbort);
      const feed = (w: number) => {
        while (!finished && next < total && inFlight[w] < perWorker) {
          inFlight[w]++;
          const into = spares[w].pop();
          if (into) ports[w].post({ ...requests[next++], into }, [into]);
          else ports[w].post(requests[next++], []);
        }
      };
      current = {
        onReply(w, reply) {
          if (finished) return;
          inFlight[w]--;
          if (!reply.ok) return finish(replyError(reply));
          try {
            onSlice(reply.result);
          } catch (e) {
            return finish(e);
          }
          spares[w].push(reply.result.voxels.buffer as ArrayBuffer);
          done++;
          onProgress?.(done, total);
          if (done === total) return finish();
          feed(w);
        },
        onError: e => finish(e instanceof ImageStackError ? e : new Error(`a decode worker failed: ${(e as Error)?.message ?? String(e)}`)),
      };
      if (total === 0) return finish();
      for (let w = 0; w < ports.length; w++) feed(w);
    });
  }

  return {
    workers: count,
    async run(requests, opts) {
      if (opts.signal?.aborted) throw cancelled();
      if (closed && count > 0) throw new Error('the decode pool is closed');
      if (current) throw new Error('the decode pool is already running');
      return count === 0 ? runInline(requests, opts) : runWorkers(requests, opts);
    },
    close,
  };
}

/** Start a pool, decode every request, stop the pool. */
export async function runDecodePool(requests: readonly SliceRequest[], opts: DecodePoolOptions): Promise<void> {
  const pool = createDecodePool({ ...opts, workers: Math.min(opts.workers ?? 0, requests.length) });
  try {
    await pool.run(requests, opts);
  } finally {
    pool.close();
  }
}
