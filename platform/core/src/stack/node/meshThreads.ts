// Node only: the parallel mesh path on worker_threads. Each thread decodes, thresholds and
// marches its own contiguous slab of slices (the volume is never assembled), checks the edges
// and finds the components of its slab while its triangles are its own (slabTopology.ts), then
// writes its slab into the whole mesh on shared memory, placed in patient mm; this thread
// joins the slabs' seams. Smoothing, the stats' measures and the binary STL are shared out the
// same way. Same triangles and positions as extractSurfaceVoxels + placeMesh + smoothMesh, the
// same STL bytes as writeStlBinary, and meshStats' figures.
import type { Worker } from 'node:worker_threads';
import { writeFile } from 'node:fs/promises';
import { ImageStackError, writeFailed } from '../../errors';
import { errorFromWire, type WireError } from '../../errors/wire';
import { checkGeometry, indexToPatientAffine, type StackGeometry } from '../../geometry';
import { meshCentre, smoothingCoefficients, smoothMemoryLayout, type SmoothMemoryLayout, type SmoothMeshOptions } from '../../mesh/smoothMesh';
import { smoothKernelMemory, type WasmMemory } from '../../mesh/smoothKernel';
import type { Mesh, MeshFrame } from '../../mesh/types';
import { joinEdgeCounts, meshStats, topologyFrom, type EdgeCounts, type KnownTopology, type MeshStats } from '../../mesh/meshStats';
import { joinSlabs, type JoinedSlabs, type SlabMeasures, type SlabSummary } from '../../mesh/slabTopology';
import { writeStlBinaryHeader } from '../../mesh/writeStl';
import type { SliceRequest } from '../decodeSlice';
import { spawnMeshWorkers } from './meshWorkers';

/** Placement while assembling: placeMesh's affine (row-major 3×4), the frame's sign on x and y, whether the winding flips. */
export interface Placement {
  m: number[];
  sign: 1 | -1;
  flip: boolean;
}

export type MeshWorkerRequest =
  | { op: 'slab'; id: number; dims: [number, number, number]; k0: number; k1: number; range: [number, number]; requests: SliceRequest[]; control: SharedArrayBuffer; flip: boolean; last: boolean }
  | {
      op: 'assemble';
      id: number;
      positions: SharedArrayBuffer;
      triangles: SharedArrayBuffer;
      base: number;
      prevBase: number;
      firstTriangle: number;
      place: Placement | null;
      seam: { count: Int32Array; raw: Int32Array } | null;
    }
  | {
      op: 'smooth';
      id: number;
      /**
       * The positions, the two work arrays and the output: in the WebAssembly kernel's shared
       * memory (this thread's neighbour lists go to its list `w` of the layout; its vertices'
       * positions are copied in from `source` and their smoothed ones out to `result`, by each
       * thread for its own, so this thread copies nothing), or each on shared memory of its own
       * for the JavaScript loop where the kernel cannot run.
       */
      arrays:
        | { memory: WasmMemory; layout: SmoothMemoryLayout; w: number; source: SharedArrayBuffer; result: SharedArrayBuffer }
        | { positions: SharedArrayBuffer; work: SharedArrayBuffer[]; out: SharedArrayBuffer };
      /** null: the vertices of this thread's slab, its neighbour lists from the extraction. */
      triangles: SharedArrayBuffer | null;
      v0: number;
      v1: number;
      coefficients: Float64Array;
      centre: [number, number, number];
      control: SharedArrayBuffer;
      threads: number;
      progress: boolean;
    }
  | { op: 'measure'; id: number; positions: SharedArrayBuffer; triangles: SharedArrayBuffer; ref: [number, number, number] }
  | MeshWorkerRequestTopology
  | MeshWorkerRequestStl;

export type MeshWorkerRequestTopology = { op: 'topology'; id: number; triangles: SharedArrayBuffer; v0: number; v1: number };
/** Triangles t0..t1−1 of the mesh into their records of the binary STL file at `path` (its header written, `shownAs` the name errors give). */
export type MeshWorkerRequestStl = { op: 'stl'; id: number; positions: SharedArrayBuffer; triangles: SharedArrayBuffer; t0: number; t1: number; path: string; shownAs: string };

export type MeshWorkerReply =
  | { op: 'progress'; id: number; fraction?: number; slices?: number }
  | { op: 'topology'; id: number; counts: EdgeCounts }
  | { op: 'stl'; id: number }
  | { op: 'slab'; id: number; summary: SlabSummary }
  | { op: 'assemble'; id: number }
  | { op: 'measure'; id: number; measures: SlabMeasures }
  | { op: 'smooth'; id: number; counts: EdgeCounts | null }
  | { op: 'error'; id: number; error: WireError };

const cancelled = () => new ImageStackError('cancelled', 'mesh: cancelled');

/** A few mesh worker threads, started at once (they boot while the caller reads headers). */
export interface MeshThreads {
  readonly threads: number;
  /**
   * Marching cubes of the whole stack, one contiguous slab of slices per thread, each thread
   * decoding its own slices (`requests`, one per slice in slice order, no `target`). Returns
   * the mesh on shared memory, identical to extractSurfaceVoxels on the decoded volume: in
   * voxel-index units, or with `place` to placeMesh's result (patient mm in that frame).
   */
  extract(
    dims: [number, number, number],
    requests: readonly SliceRequest[],
    opts: { range?: [number, number]; signal?: AbortSignal; onProgress?: (fraction: number) => void; place?: { geometry: StackGeometry; frame?: MeshFrame } },
  ): Promise<Mesh>;
  /**
   * smoothMesh's result (the same positions), the vertices shared out among the threads; in
   * the WebAssembly kernel on one shared memory, or (`javascript`, or where that memory cannot
   * be had: past 2 GiB) in the JavaScript loop on shared arrays: the same bits either way.
   */
  smooth(mesh: Mesh, options?: SmoothMeshOptions & { signal?: AbortSignal; javascript?: boolean }): Promise<Mesh>;
  /**
   * writeStlBinary(mesh, { frame })'s bytes into the file `path` (made or replaced), each thread
   * encoding and writing its range of triangles at their offsets, a megabyte at a time: no
   * whole-file buffer, and the writes of one thread overlap the encoding of the other. A failed
   * write rejects with writeFailed's error naming `shownAs` (default `path`); the caller, who
   * named the file, removes it.
   */
  writeStl(mesh: Mesh, frame: MeshFrame, path: string, shownAs?: string): Promise<void>;
  /** meshStats' watertight and oriented for `mesh`, its edges checked by the threads. */
  topology(mesh: Mesh, options?: { signal?: AbortSignal }): Promise<KnownTopology>;
  /**
   * meshStats(mesh): for the extracted triangles (smoothed or not) from what the threads found
   * while extracting, the measures shared out; for other triangles, the edges checked by the
   * threads and the rest here.
   */
  stats(mesh: Mesh, options?: { signal?: AbortSignal }): Promise<MeshStats>;
  close(): void;
}

/** A typed array's bytes on shared memory: itself when it is there already. */
function share(a: Float32Array | Uint32Array): SharedArrayBuffer {
  if (a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) return a.buffer;
  const b = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(b).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return b;
}

/**
 * The mesh threads: `threads` new ones, or the workers spawnMeshWorkers started (perhaps
 * before the caller's modules loaded), which these own from now on.
 */
export function startMeshThreads(threads: number | Worker[]): MeshThreads {
  // Smoothing and the topology check read the same triangles: put them on shared memory once.
  let sharedFor: Uint32Array | null = null;
  let sharedTriangles: SharedArrayBuffer | null = null;
  // The last extraction: its triangles (on shared memory) and the joined slabs, whose
  // analyses the first `slabs` threads keep.
  let extracted: { triangles: Uint32Array; joined: JoinedSlabs; slabs: number; origin: [number, number, number] } | null = null;
  // The topology of the last mesh smoothed by vertex ranges, found by its neighbour pass.
  let knownFor: Uint32Array | null = null;
  let known: KnownTopology | null = null;
  const shareTriangles = (t: Uint32Array) => {
    if (sharedFor !== t) {
      sharedTriangles = share(t);
      sharedFor = t;
    }
    return sharedTriangles!;
  };
  const workers = typeof threads === 'number' ? spawnMeshWorkers(threads) : threads;
  const n = workers.length;
  if (n === 0) throw new Error('startMeshThreads: no workers');
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
  const newControl = () => new Int32Array(new SharedArrayBuffer(12));
  const isExtracted = (mesh: Mesh) => extracted !== null && extracted.triangles === mesh.triangles && mesh.positions.length === 3 * extracted.joined.vertices;

  return {
    threads: n,
    async extract(dims, requests, opts) {
      const nz = dims[2];
      if (requests.length !== nz) throw new ImageStackError('mismatch', `mesh: ${requests.length} slice requests for ${nz} slices`);
      extracted = null;
      let place: Placement | null = null;
      let origin: [number, number, number] = [(dims[0] - 1) / 2, (dims[1] - 1) / 2, (dims[2] - 1) / 2];
      if (opts.place) {
        const frame = opts.place.frame ?? 'LPS';
        if (frame !== 'LPS' && frame !== 'RAS') throw new ImageStackError('bad-argument', `mesh: frame must be LPS or RAS, got ${String(frame)}`);
        const m = indexToPatientAffine(checkGeometry(opts.place.geometry));
        const det = m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8]);
        const sign = frame === 'RAS' ? -1 : 1;
        place = { m: Array.from(m.slice(0, 12)), sign, flip: det < 0 };
        const [i, j, k] = origin;
        origin = [sign * (m[0] * i + m[1] * j + m[2] * k + m[3]), sign * (m[4] * i + m[5] * j + m[6] * k + m[7]), m[8] * i + m[9] * j + m[10] * k + m[11]];
      }
      const control = newControl();
      const slabs = Math.min(n, nz);
      const bound = (s: number) => Math.round((s * nz) / slabs);
      let done = 0;
      const total = nz + slabs - 1; // each slab after the first reads one slice more
      const replies = await runAll<Extract<MeshWorkerReply, { op: 'slab' }>>(
        (w, id) => {
          if (w >= slabs) return null;
          const k0 = bound(w);
          const k1 = bound(w + 1);
          return { req: { op: 'slab', id, dims, k0, k1, range: opts.range ?? [1, Infinity], requests: requests.slice(k0 ? k0 - 1 : 0, k1), control: control.buffer as SharedArrayBuffer, flip: place?.flip ?? false, last: w === slabs - 1 } };
        },
        control,
        opts.signal,
        (_w, r) => opts.onProgress?.((done += r.slices ?? 1) / total),
      );
      const joined = joinSlabs(replies.slice(0, slabs).map(r => r.summary));
      const positions = new SharedArrayBuffer(12 * joined.vertices);
      const triangles = new SharedArrayBuffer(12 * joined.triangles);
      await runAll<Extract<MeshWorkerReply, { op: 'assemble' }>>(
        (w, id) =>
          w >= slabs
            ? null
            : { req: { op: 'assemble', id, positions, triangles, base: joined.base[w], prevBase: joined.prevBase[w], firstTriangle: joined.firstTriangle[w], place, seam: joined.seams[w] } },
        control,
        opts.signal,
        () => undefined,
      );
      const mesh = { positions: new Float32Array(positions), triangles: new Uint32Array(triangles) };
      extracted = { triangles: mesh.triangles, joined, slabs, origin };
      return mesh;
    },
    async smooth(mesh, options = {}) {
      const c = smoothingCoefficients(options);
      const nv = mesh.positions.length / 3;
      if (!c || mesh.triangles.length === 0) return { positions: mesh.positions.slice(), triangles: mesh.triangles };
      // The extracted mesh: each slab's thread smooths its own vertices, with the neighbour
      // lists its extraction found. Any other: equal vertex ranges, each thread finding its
      // vertices' neighbours (and checking their edges on the way).
      const slabMode = isExtracted(mesh) ? extracted! : null;
      const triangles = slabMode ? null : shareTriangles(mesh.triangles);
      const control = newControl();
      const threads = slabMode ? slabMode.slabs : Math.min(n, nv);
      const range = (w: number): [number, number] =>
        slabMode ? [slabMode.joined.base[w], w + 1 < slabMode.slabs ? slabMode.joined.base[w + 1] : nv] : [Math.round((w * nv) / threads), Math.round(((w + 1) * nv) / threads)];
      // Room for each thread's neighbour lists: at most two entries per corner of the triangles
      // at its vertices (a slab's, with its seam's from both slabs; else any triangle).
      const entries = (w: number) => {
        if (!slabMode) return 2 * mesh.triangles.length;
        const { joined } = slabMode;
        const t1 = w + 1 < slabMode.slabs ? joined.firstTriangle[w + 1] : joined.triangles;
        return 6 * (t1 - joined.firstTriangle[w]) + (joined.seams[w]?.raw.length ?? 0);
      };
      const layout = smoothMemoryLayout(nv, Array.from({ length: threads }, (_, w) => ({ rows: range(w)[1] - range(w)[0], entries: entries(w) })));
      const memory = options.javascript ? null : smoothKernelMemory(layout.bytes, true);
      let arrays: Extract<MeshWorkerRequest, { op: 'smooth' }>['arrays'];
      let out: Float32Array;
      if (memory) {
        // The smoothed positions on shared memory of their own, so the kernel's memory (its
        // work arrays and lists) goes when smoothing ends.
        const result = new SharedArrayBuffer(12 * nv);
        arrays = { memory, layout, w: 0, source: share(mesh.positions), result };
        out = new Float32Array(result);
      } else {
        const positions = share(mesh.positions);
        const work = [0, 1].map(() => new SharedArrayBuffer(3 * nv * 8));
        const buffer = new SharedArrayBuffer(3 * nv * 4);
        arrays = { positions, work, out: buffer };
        out = new Float32Array(buffer);
      }
      const centre = meshCentre(mesh.positions);
      const replies = runAll<Extract<MeshWorkerReply, { op: 'smooth' }>>(
        (w, id) =>
          w >= threads
            ? null
            : { req: { op: 'smooth', id, arrays: 'layout' in arrays ? { ...arrays, w } : arrays, triangles, v0: range(w)[0], v1: range(w)[1], coefficients: c, centre, control: control.buffer as SharedArrayBuffer, threads, progress: w === 0 } },
        control,
        options.signal,
        (_w, r) => options.onProgress?.(r.fraction ?? 0),
      );
      const counts = (await replies).slice(0, threads).map(r => r.counts);
      if (!slabMode) {
        // Smoothing leaves the triangles as they are: its neighbour pass also checked the edges.
        knownFor = mesh.triangles;
        known = topologyFrom(joinEdgeCounts(counts as EdgeCounts[]));
      }
      return { positions: out, triangles: mesh.triangles };
    },
    async topology(mesh, options = {}) {
      if (isExtracted(mesh)) return extracted!.joined.topology;
      if (knownFor === mesh.triangles && known) return known;
      const nv = mesh.positions.length / 3;
      const threads = Math.max(1, Math.min(n, nv));
      const triangles = shareTriangles(mesh.triangles);
      const replies = runAll<Extract<MeshWorkerReply, { op: 'topology' }>>(
        (w, id) => (w >= threads ? null : { req: { op: 'topology', id, triangles, v0: Math.round((w * nv) / threads), v1: Math.round(((w + 1) * nv) / threads) } }),
        newControl(),
        options.signal,
        () => undefined,
      );
      return topologyFrom(joinEdgeCounts((await replies).slice(0, threads).map(r => r.counts)));
    },
    async stats(mesh, options = {}) {
      if (!isExtracted(mesh)) return meshStats(mesh, await this.topology(mesh, options));
      const { joined, slabs, origin } = extracted!;
      const positions = share(mesh.positions);
      const triangles = shareTriangles(mesh.triangles);
      const replies = await runAll<Extract<MeshWorkerReply, { op: 'measure' }>>(
        (w, id) => (w >= slabs ? null : { req: { op: 'measure', id, positions, triangles, ref: origin } }),
        newControl(),
        options.signal,
        () => undefined,
      );
      // meshStats' figures from the slabs' sums: each part's volume adds up over the slabs its
      // components lie in (against one point, so the partial sums add), the box is the slabs' box.
      const partSix = new Float64Array(joined.parts);
      let twiceArea = 0;
      const box = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
      for (let w = 0; w < slabs; w++) {
        const m = replies[w].measures;
        const partOf = joined.partOf[w];
        for (let c = 0; c < m.sixVolumes.length; c++) partSix[partOf[c]] += m.sixVolumes[c];
        twiceArea += m.twiceArea;
        for (let a = 0; a < 3; a++) {
          box[a] = Math.min(box[a], m.bbox[a]);
          box[a + 3] = Math.max(box[a + 3], m.bbox[a + 3]);
        }
      }
      let six = 0;
      let solids = 0;
      for (let q = 0; q < joined.parts; q++) {
        six += partSix[q];
        if (partSix[q] > 0) solids++;
      }
      const empty = joined.triangles === 0;
      return {
        triangles: joined.triangles,
        vertices: joined.vertices,
        volume_mL: empty ? 0 : six / 6 / 1000,
        area_mm2: empty ? 0 : twiceArea / 2,
        bbox_mm: empty ? [0, 0, 0, 0, 0, 0] : (box as MeshStats['bbox_mm']),
        parts: joined.parts,
        solids,
        cavities: joined.parts - solids,
        watertight: joined.topology.watertight,
        oriented: joined.topology.oriented,
      };
    },
    async writeStl(mesh, frame, file, shownAs = file) {
      const nt = mesh.triangles.length / 3;
      const header = new Uint8Array(84);
      writeStlBinaryHeader(header, nt, { frame }); // refuses a count past 32 bits
      try {
        await writeFile(file, header);
      } catch (e) {
        throw writeFailed(e, shownAs);
      }
      const positions = share(mesh.positions);
      const triangles = shareTriangles(mesh.triangles);
      const threads = Math.max(1, Math.min(n, nt));
      await runAll<Extract<MeshWorkerReply, { op: 'stl' }>>(
        (w, id) => (w >= threads ? null : { req: { op: 'stl', id, positions, triangles, t0: Math.round((w * nt) / threads), t1: Math.round(((w + 1) * nt) / threads), path: file, shownAs } }),
        newControl(),
        undefined,
        () => undefined,
      );
    },
    close() {
      if (closed) return;
      closed = true;
      sharedFor = sharedTriangles = knownFor = known = extracted = null;
      for (const w of workers) void w.terminate();
    },
  };
}
