import type { MeshReply, MeshRequest } from './protocol';
import { spawnMeshWorker } from '../workers/spawn';

export type MeshResult = Extract<MeshReply, { type: 'done' }>;

/**
 * Runs one mesh build in a fresh worker. Cancelling terminates the worker, which is the only
 * way to stop a synchronous build at once; the worker is always terminated at the end.
 */
export function runMeshWorker(
  request: MeshRequest,
  { onProgress, signal }: { onProgress?: (fraction: number, step: string) => void; signal?: AbortSignal } = {},
): Promise<MeshResult> {
  return new Promise((resolve, reject) => {
    const worker = spawnMeshWorker();
    const finish = () => {
      worker.terminate();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(new DOMException('Export cancelled', 'AbortError'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    worker.onmessage = (e: MessageEvent<MeshReply>) => {
      const m = e.data;
      if (m.type === 'progress') onProgress?.(m.fraction, m.step);
      else if (m.type === 'done') {
        finish();
        resolve(m);
      } else {
        finish();
        reject(new Error(m.message));
      }
    };
    worker.onerror = e => {
      finish();
      reject(new Error(`mesh worker could not run: ${e.message}`));
    };
    worker.postMessage(request, [request.packed.buffer]);
  });
}
