// A pool of decode workers with an injected spawn function: the same code drives Web Workers
// in the browser and worker_threads in Node. Requests queue in the pool; each worker keeps
// two in flight. Slices stream back as they finish: a run hands each to the caller, who
// copies it into the preallocated volume, and the spent buffer goes back to the worker for
// its next slice; a single decode (the viewer's image loader) keeps its buffer. With no spawn
// (or 0 workers) it decodes on the calling thread, yielding between slices so progress and
// cancellation still work.
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
  /**
   * Decode every request; resolves when all are delivered, rejects on the first error or on
   * abort (the run's other requests are dropped; the pool stays usable).
   */
  run(requests: readonly SliceRequest[], opts: DecodeRunOptions): Promise<void>;
  /** Decode one slice (its buffer is the caller's to keep). `first`: ahead of queued work. */
  decode(request: SliceRequest, opts?: { signal?: AbortSignal; first?: boolean }): Promise<SliceResult>;
  /** Stop the workers; queued and running decodes reject. */
  close(): void;
}

export type DecodePoolOptions = DecodePoolConfig & DecodeRunOptions;

function cancelled(): ImageStackError {
  return new ImageStackError('cancelled', 'reading the stack was cancelled');
}

interface Job {
  req: SliceRequest;
  /** The caller copies the result out synchronously in `done`, so its buffer can be reused. */
  recycle: boolean;
  cancelled: boolean;
  done(error: unknown, result?: SliceResult): void;
}

/** Start a pool now (workers boot while the caller plans); run and decode on it later. */
export function createDecodePool(config: DecodePoolConfig): DecodePool {
  const count = config.spawn ? Math.max(0, config.workers ?? 0) : 0;
  const perWorker = Math.max(1, config.inFlightPerWorker ?? 2);
  const queue: Job[] = [];
  let closed = false;
  let ticket = 0;
  const lanes = Array.from({ length: count }, () => ({ inFlight: new Map<number, Job>(), spares: [] as ArrayBuffer[], port: null as WorkerPort | null }));

  const failAll = (e: unknown) => {
    const jobs = [...queue, ...lanes.flatMap(l => [...l.inFlight.values()])];
    queue.length = 0;
    for (const l of lanes) l.inFlight.clear();
    for (const j of jobs) if (!j.cancelled) j.done(e);
  };
  const close = () => {
    if (closed) return;
    closed = true;
    for (const l of lanes) l.port?.terminate();
    failAll(new Error('the decode pool was closed'));
  };
  const dispatch = () => {
    for (const lane of lanes) {
      while (lane.inFlight.size < perWorker && queue.length) {
        const job = queue.shift()!;
        if (job.cancelled) continue;
        const t = ++ticket;
        lane.inFlight.set(t, job);
        const into = job.recycle && !job.req.target ? lane.spares.pop() : undefined;
        if (into) lane.port!.post({ ...job.req, ticket: t, into }, [into]);
        else lane.port!.post({ ...job.req, ticket: t }, []);
      }
    }
  };
  for (const lane of lanes) {
    lane.port = config.spawn!({
      onReply: reply => {
        const job = lane.inFlight.get(reply.ticket ?? -1);
        if (!job) return;
        lane.inFlight.delete(reply.ticket!);
        if (reply.ok) {
          if (!job.cancelled) job.done(null, reply.result);
          if ((job.recycle || job.cancelled) && !reply.result.inPlace) lane.spares.push(reply.result.voxels.buffer as ArrayBuffer);
        } else if (!job.cancelled) job.done(replyError(reply));
        dispatch();
      },
      onError: e => {
        const err = e instanceof ImageStackError ? e : new Error(`a decode worker failed: ${(e as Error)?.message ?? String(e)}`);
        // A dead worker takes its requests with it: fail everything and stop.
        for (const l of lanes) l.port?.terminate();
        closed = true;
        failAll(err);
      },
    });
  }

  // On the calling thread: one decoder, one job at a time, in queue order.
  const inline = count === 0 ? createSliceDecoder(config.reader) : null;
  let inlineBusy = false;
  let inlineSpare: ArrayBuffer | undefined;
  const pumpInline = async () => {
    if (inlineBusy) return;
    inlineBusy = true;
    try {
      let n = 0;
      while (queue.length) {
        const job = queue.shift()!;
        if (job.cancelled) continue;
        let result: SliceResult;
        try {
          const into = job.recycle && !job.req.target ? inlineSpare : undefined;
          inlineSpare = undefined;
          result = await inline!.decode(into ? { ...job.req, into } : job.req);
        } catch (e) {
          if (!job.cancelled) job.done(e);
          continue;
        }
        if (!job.cancelled) job.done(null, result);
        if (job.recycle && !result.inPlace) inlineSpare = result.voxels.buffer as ArrayBuffer;
        if ((++n & 7) === 0) await new Promise(r => setTimeout(r, 0)); // let an abort arrive
      }
    } finally {
      inlineBusy = false;
    }
  };
  const kick = () => (inline ? void pumpInline() : dispatch());

  return {
    workers: count,
    run(requests, opts) {
      return new Promise<void>((resolve, reject) => {
        if (opts.signal?.aborted) return reject(cancelled());
        if (closed) return reject(new Error('the decode pool is closed'));
        const total = requests.length;
        if (!total) return resolve();
        let delivered = 0;
        let over = false;
        const jobs: Job[] = [];
        const end = (err?: unknown) => {
          if (over) return;
          over = true;
          opts.signal?.removeEventListener('abort', onAbort);
          if (err !== undefined) {
            for (const j of jobs) j.cancelled = true;
            reject(err);
          } else resolve();
        };
        const onAbort = () => end(cancelled());
        opts.signal?.addEventListener('abort', onAbort);
        for (const req of requests) {
          jobs.push({
            req,
            recycle: true,
            cancelled: false,
            done(error, result) {
              if (over) return;
              if (error) return end(error);
              try {
                opts.onSlice(result!);
              } catch (e) {
                return end(e);
              }
              delivered++;
              opts.onProgress?.(delivered, total);
              if (delivered === total) end();
            },
          });
        }
        queue.push(...jobs);
        kick();
      });
    },
    decode(req, opts = {}) {
      return new Promise<SliceResult>((resolve, reject) => {
        if (opts.signal?.aborted) return reject(cancelled());
        if (closed) return reject(new Error('the decode pool is closed'));
        const job: Job = {
          req,
          recycle: false,
          cancelled: false,
          done(error, result) {
            opts.signal?.removeEventListener('abort', onAbort);
            if (error) reject(error);
            else resolve(result!);
          },
        };
        const onAbort = () => {
          job.cancelled = true;
          reject(cancelled());
        };
        opts.signal?.addEventListener('abort', onAbort);
        if (opts.first) queue.unshift(job);
        else queue.push(job);
        kick();
      });
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
