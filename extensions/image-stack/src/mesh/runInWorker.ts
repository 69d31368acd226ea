import { errorFromWire, ImageStackError } from '@imagestack/core';
import type { DoneFor, WorkerJob, WorkerReply } from './protocol';
import { spawnMeshWorker } from '../workers/spawn';

export interface JobOptions {
  onProgress?: (fraction: number, step: string) => void;
  signal?: AbortSignal;
}

/** Runs a job somewhere off the main thread (the worker in the viewer, `runJob` in tests). */
export type JobRunner = <J extends WorkerJob>(job: J, options?: JobOptions) => Promise<DoneFor<J>>;

/**
 * Runs one job in a fresh worker. Cancelling terminates the worker, which is the only way to
 * stop a synchronous build at once, and rejects with ImageStackError 'cancelled' (the one
 * cancel code everywhere); the worker is always terminated at the end. The job's mask is
 * transferred, not copied.
 */
export const runInWorker: JobRunner = (job, { onProgress, signal } = {}) =>
  new Promise((resolve, reject) => {
    const worker = spawnMeshWorker();
    const finish = () => {
      worker.terminate();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(new ImageStackError('cancelled', `${job.kind === 'mesh' ? 'the export' : 'the operation'} was cancelled: nothing was changed`));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const m = e.data;
      if (m.type === 'progress') onProgress?.(m.fraction, m.step);
      else if (m.type === 'done') {
        finish();
        resolve(m.result as DoneFor<typeof job>);
      } else {
        finish();
        reject(errorFromWire(m.error));
      }
    };
    worker.onerror = e => {
      finish();
      reject(new ImageStackError('corrupt', `the mesh worker could not run (${e.message})`));
    };
    worker.postMessage(job, [job.packed.buffer]);
  });
