// Node only: the parallel mesh path on worker_threads. Each thread decodes, thresholds and
// marches its own contiguous slab of slices (the volume is never assembled), the slabs join
// into exactly the single-thread mesh (mergeSurfaceSlabs), and smoothing shares the vertices
// out over shared memory. Same triangles and positions as extractSurfaceVoxels + smoothMesh.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ImageStackError } from '../../errors';
import { errorFromWire, type WireError } from '../../errors/wire';
import { mergeSurfaceSlabs, type SurfaceSlab } from '../../mesh/extractSurface';
import { meshCentre, smoothingCoefficients, type SmoothMeshOptions } from '../../mesh/smoothMesh';
import type { Mesh, MeshFrame } from '../../mesh/types';
import { joinEdgeCounts, topologyFrom, type EdgeCounts, type KnownTopology } from '../../mesh/meshStats';
import type { SliceRequest } from '../decodeSlice';

export type MeshWorkerRequest =
  | { op: 'slab'; id: number; dims: [number, number, number]; k0: number; k1: number; range: [number, number]; requests: SliceRequest[]; control: SharedArrayBuffer }
  | {
      op: 'smooth';
      id: number;
      positions: SharedArrayBuffer;
      triangles: SharedArrayBuffer;
      v0: number;
      v1: number;
      coefficients: Float64Array;
      centre: [number, number, number];
      work: SharedArrayBuffer[];
      out: SharedArrayBuffer;
      control: SharedArrayBuffer;
      threads: number;
      progress: boolean;
    }
  | MeshWorkerRequestTopology
  | MeshWorkerRequestStl;

export type MeshWorkerRequestTopology = { op: 'topology'; id: number; triangles: SharedArrayBuffer; v0: number; v1: number };
export type MeshWorkerRequestStl = { op: 'stl'; id: number; positions: SharedArrayBuffer; triangles: SharedArrayBuffer; frame: MeshFrame };

export type MeshWorkerReply =
  | { op: 'progress'; id: number; fraction?: number; slices?: number }
  | { op: 'topology'; id: number; counts: EdgeCounts }
  | { op: 'stl'; id: number; bytes: Uint8Array }
  | { op: 'slab'; id: number; slab: SurfaceSlab }
  | { op: 'smooth'; id: number; counts: EdgeCounts }
  | { op: 'error'; id: number; error: WireError };

function workerScript(): string {
  const here = path.join(__dirname, 'meshWorker.js');
  if (existsSync(here)) return here;
  const built = path.resolve(__dirname, '../../../dist/stack/node/meshWorker.js');
  if (existsSync(built)) return built;
  throw new Error(`the mesh worker script is not built (looked for ${here} and ${built}); run \`npx tsc -b\``);
}

const cancelled = () => new ImageStackError('cancelled', 'mesh: cancelled');

/** A few mesh worker threads, started at once (they boot while the caller reads headers). */
export interface MeshThreads {
  readonly threads: number;
  /**
   * Marching cubes of the whole stack, one contiguous slab of slices per thread, each thread
   * decoding its own slices (`requests`, one per slice in slice order, no `target`). Returns
   * the mesh in voxel-index units, identical to extractSurfaceVoxels on the decoded volume.
   */
  extract(dims: [number, number, number], requests: readonly SliceRequest[], opts: { range?: [number, number]; signal?: AbortSignal; onProgress?: (fraction: number) => void }): Promise<Mesh>;
  /** smoothMesh's result (the same positions), the vertices shared out among the threads. */
  smooth(mesh: Mesh, options?: SmoothMeshOptions & { signal?: AbortSignal }): Promise<Mesh>;
  /** writeStlBinary(mesh, { frame }) on a thread (the same bytes), while this one does something else. */
  encodeStl(mesh: Mesh, frame: MeshFrame): Promise<Uint8Array>;
  /** meshStats' watertight and oriented for `mesh`, its edges checked by the threads. */
  topology(mesh: Mesh, options?: { signal?: AbortSignal }): Promise<KnownTopology>;
  close(): void;
}

function share(a: Float32Array | Uint32Array): SharedArrayBuffer {
  const b = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(b).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return b;
}

export function startMeshThreads(threads: number): MeshThreads {
  // Smoothing and the topology check read the same triangles: put them on shared memory once.
  let sharedFor: Uint32Array | null = null;
  let sharedTriangles: SharedArrayBuffer | null = null;
  // The topology of the last smoothed mesh's triangles, found by the smoothing pass.
  let knownFor: Uint32Array | null = null;
  let known: KnownTopology | null = null;
  const shareTriangles = (t: Uint32Array) => {
    if (sharedFor !== t) {
      sharedTriangles = share(t);
      sharedFor = t;
    }
    return sharedTriangles!;
  };
  const n = Math.max(1, Math.floor(threads));
  const script = workerScript();
  const workers = Array.from({ length: n }, () => new Worker(script));
  let nextId = 1;
  let closed = false;

  /** Sends one request per worker; resolves with the replies in worker order. */
  const runAll = <R>(build: (w: number, id: number) => { req: MeshWorkerRequest; transfer?: ArrayBuffer[] } | null, control: Int32Array, signal: AbortSignal | undefined, onProgress: (w: number, reply: Extract<MeshWorkerReply, { op: 'progress' }>) => void) =>
    new Promise<R[]>((resolve, reject) => {
      if (closed) return reject(new Error('the mesh threads are closed'));
      if (signal?.aborted) return reject(cancelled());
      const results: R[] = new Array(n);
      let pending = 0;
      let over = false;
      const cleanups: Array<() => void> = [];
      const end = (e?: unknown) => {
        if (over) return;
        over = true;
        for (const c of cleanups) c();
        if (e !== undefined) {
          Atomics.store(control, 2, 1); // the others stop at their next slice or term
          Atomics.notify(control, 1);
          reject(e);
        } else resolve(results);
      };
      const onAbort = () => end(cancelled());
      signal?.addEventListener('abort', onAbort);
      cleanups.push(() => signal?.removeEventListener('abort', onAbort));
      workers.forEach((worker, w) => {
        const id = nextId++;
        const job = build(w, id);
        if (!job) return;
        pending++;
        const onMessage = (reply: MeshWorkerReply) => {
          if (reply.id !== id || over) return;
          if (reply.op === 'progress') return onProgress(w, reply);
          if (reply.op === 'error') return end(errorFromWire(reply.error));
          results[w] = reply as R;
          if (--pending === 0) end();
        };
        const onError = (e: unknown) => end(new Error(`a mesh worker failed: ${(e as Error)?.message ?? String(e)}`));
        worker.on('message', onMessage);
        worker.on('error', onError);
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
        });
        worker.postMessage(job.req, job.transfer ?? []);
      });
      if (pending === 0) end();
    });

  return {
    threads: n,
    async extract(dims, requests, opts) {
      const nz = dims[2];
      if (requests.length !== nz) throw new ImageStackError('mismatch', `mesh: ${requests.length} slice requests for ${nz} slices`);
      const control = new Int32Array(new SharedArrayBuffer(12));
      const slabs = Math.min(n, nz);
      const bound = (s: number) => Math.round((s * nz) / slabs);
      let done = 0;
      const total = nz + slabs - 1; // each slab after the first reads one slice more
      const replies = await runAll<Extract<MeshWorkerReply, { op: 'slab' }>>(
        (w, id) => {
          if (w >= slabs) return null;
          const k0 = bound(w);
          const k1 = bound(w + 1);
          return { req: { op: 'slab', id, dims, k0, k1, range: opts.range ?? [1, Infinity], requests: requests.slice(k0 ? k0 - 1 : 0, k1), control: control.buffer as SharedArrayBuffer } };
        },
        control,
        opts.signal,
        (_w, r) => opts.onProgress?.((done += r.slices ?? 1) / total),
      );
      return mergeSurfaceSlabs(replies.slice(0, slabs).map(r => r.slab));
    },
    async smooth(mesh, options = {}) {
      const c = smoothingCoefficients(options);
      const nv = mesh.positions.length / 3;
      if (!c || mesh.triangles.length === 0) return { positions: mesh.positions.slice(), triangles: mesh.triangles };
      const positions = share(mesh.positions);
      const triangles = shareTriangles(mesh.triangles);
      const work = [0, 1, 2, 3].map(() => new SharedArrayBuffer(3 * nv * 8));
      const out = new SharedArrayBuffer(3 * nv * 4);
      const control = new Int32Array(new SharedArrayBuffer(12));
      const threads = Math.min(n, nv);
      const centre = meshCentre(mesh.positions);
      // Equal vertex ranges: vertices come out of extraction slice by slice, so each range is a
      // contiguous band of the surface with about the same number of neighbours per vertex.
      const replies = runAll<Extract<MeshWorkerReply, { op: 'smooth' }>>(
        (w, id) =>
          w >= threads
            ? null
            : { req: { op: 'smooth', id, positions, triangles, v0: Math.round((w * nv) / threads), v1: Math.round(((w + 1) * nv) / threads), coefficients: c, centre, work, out, control: control.buffer as SharedArrayBuffer, threads, progress: w === 0 } },
        control,
        options.signal,
        (_w, r) => options.onProgress?.(r.fraction ?? 0),
      );
      // Smoothing leaves the triangles as they are: its neighbour pass also checked the edges,
      // so the stats need no edge pass of their own.
      const counts = joinEdgeCounts((await replies).slice(0, threads).map(r => r.counts));
      knownFor = mesh.triangles;
      known = topologyFrom(counts);
      // A copy off shared memory: callers may transfer the result (a SharedArrayBuffer cannot be).
      return { positions: new Float32Array(out).slice(), triangles: mesh.triangles };
    },
    async topology(mesh, options = {}) {
      if (knownFor === mesh.triangles && known) return known;
      const nv = mesh.positions.length / 3;
      const threads = Math.max(1, Math.min(n, nv));
      const triangles = shareTriangles(mesh.triangles);
      const control = new Int32Array(new SharedArrayBuffer(12));
      const replies = runAll<Extract<MeshWorkerReply, { op: 'topology' }>>(
        (w, id) => (w >= threads ? null : { req: { op: 'topology', id, triangles, v0: Math.round((w * nv) / threads), v1: Math.round(((w + 1) * nv) / threads) } }),
        control,
        options.signal,
        () => undefined,
      );
      return topologyFrom(joinEdgeCounts((await replies).slice(0, threads).map(r => r.counts)));
    },
    async encodeStl(mesh, frame) {
      const positions = share(mesh.positions);
      const triangles = shareTriangles(mesh.triangles);
      const control = new Int32Array(new SharedArrayBuffer(12));
      const [reply] = await runAll<Extract<MeshWorkerReply, { op: 'stl' }>>((w, id) => (w === 0 ? { req: { op: 'stl', id, positions, triangles, frame } } : null), control, undefined, () => undefined);
      return reply.bytes;
    },
    close() {
      if (closed) return;
      closed = true;
      sharedFor = sharedTriangles = knownFor = known = null;
      for (const w of workers) void w.terminate();
    },
  };
}
