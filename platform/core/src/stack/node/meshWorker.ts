// The Node worker_threads entry of the parallel mesh path (meshThreads.ts): one thread's share
// of decoding + thresholding + marching cubes (a slab of slices, analysed and kept until it is
// written into the whole mesh), of windowed-sinc smoothing (a range of vertices, over shared
// memory), of the stats' measures and of the binary STL.
import { parentPort } from 'node:worker_threads';
import { closeSync, openSync, writeSync } from 'node:fs';
import { writeFailed } from '../../errors';
import { errorToWire } from '../../errors/wire';
import { createSlabExtractor, type CodedSlice } from '../../mesh/extractSurface';
import { codedBmpSlice } from '../codedSlice';
import { edgeCountsOf, edgeCountsOfIncidences } from '../../mesh/meshStats';
import { analyseSlab, assembleSlab, measureSlab, slabNeighbours, summariseSlab, type SlabAnalysis } from '../../mesh/slabTopology';
import { smoothArraysOn, smoothVertexRange, vertexIncidencesOf } from '../../mesh/smoothMesh';
import { scanSourceBuffer } from '../../mesh/scanKernel';
import { smoothKernelOn } from '../../mesh/smoothKernel';
import { writeStlBinaryTriangles } from '../../mesh/writeStl';
import { compileKernelsAhead } from '../../wasm/assemble';
import type { createSliceDecoder, SliceRequest } from '../decodeSlice';
import { createFileReader } from './fileReader';
import type { MeshWorkerReply, MeshWorkerRequest } from './meshThreads';

// Files are read into the scan kernels' memory: 24-bit and 8-bit BMP rows are thresholded there.
const reader = createFileReader(scanSourceBuffer);

/** This thread's slab of the last extraction, kept for the steps after it. */
let kept: {
  analysis: SlabAnalysis;
  /** Its vertices in voxel units, until they are written into the whole mesh. */
  positions: Float32Array | null;
  at: { base: number; prevBase: number; firstTriangle: number } | null;
  seam: { count: Int32Array; raw: Int32Array } | null;
  neighbours: { start: Int32Array; neighbours: Int32Array } | null;
} | null = null;
// The decoders (PNG, JPEG's WebAssembly, TIFF) load when a slice is not a BMP the thread reads
// straight from its bytes: a thread meshing BMPs starts without them.
let decoder: ReturnType<typeof createSliceDecoder> | undefined;
const sliceDecoder = async () => (decoder ??= (await import('../decodeSlice')).createSliceDecoder(createFileReader()));

/** Every thread of a smoothing run waits here after each term; control[2] = 1 is an abort. */
function barrier(control: Int32Array, threads: number): void {
  const generation = Atomics.load(control, 1);
  if (Atomics.add(control, 0, 1) === threads - 1) {
    Atomics.store(control, 0, 0);
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
    return;
  }
  while (Atomics.load(control, 1) === generation) {
    if (Atomics.load(control, 2)) return; // aborting: the caller's signal check throws
    Atomics.wait(control, 1, generation, 50);
  }
}

async function handle(req: MeshWorkerRequest): Promise<{ reply: MeshWorkerReply; transfer: ArrayBuffer[] }> {
  if (req.op === 'slab') {
    const control = new Int32Array(req.control);
    const slab = createSlabExtractor(req.dims, req.k0, req.k1, { range: req.range });
    let spare: ArrayBuffer | undefined;
    let unreported = 0;
    for (const r of req.requests) {
      if (Atomics.load(control, 2)) throw new Error('cancelled');
      // 8-bit paletted BMPs are thresholded straight from the file's bytes (threshold fused
      // into decoding); anything else is decoded to grey first.
      let coded: CodedSlice | null = null;
      if (r.page === 0 && typeof r.source === 'string') {
        try {
          coded = codedBmpSlice(await reader(r.source), r, req.range);
        } catch {
          coded = null; // the decoder reads it again and names what is wrong
        }
      }
      if (coded) slab.push(coded);
      else {
        const result = await (await sliceDecoder()).decode(spare ? ({ ...r, into: spare } as SliceRequest) : r);
        slab.push(result.voxels);
        spare = result.voxels.buffer as ArrayBuffer;
      }
      // Progress every few slices: a message per slice costs more than it tells.
      if (++unreported === 8) {
        parentPort!.postMessage({ op: 'progress', id: req.id, slices: unreported } satisfies MeshWorkerReply);
        unreported = 0;
      }
    }
    if (unreported) parentPort!.postMessage({ op: 'progress', id: req.id, slices: unreported } satisfies MeshWorkerReply);
    // The edges and components of the slab while its triangles are this thread's own (taken
    // as they are, renumbered in place: no copies of them, nor the fresh pages copies cost).
    const s = slab.finish({ trim: false });
    const analysis = analyseSlab(s, { flip: req.flip, last: req.last, consume: true });
    kept = { analysis, positions: s.positions, at: null, seam: null, neighbours: null };
    const summary = summariseSlab(analysis, analysis.ext.length / 3); // (s.triangles may be detached: consumed)
    return { reply: { op: 'slab', id: req.id, summary }, transfer: [] };
  }
  if (req.op === 'assemble') {
    if (!kept?.positions) throw new Error('mesh worker: no slab to assemble');
    const at = { base: req.base, prevBase: req.prevBase, firstTriangle: req.firstTriangle };
    const p = req.place;
    let place: ((i: number, j: number, k: number, out: Float32Array, o: number) => void) | undefined;
    if (p) {
      // placeMesh's arithmetic, term for term
      const m = p.m;
      const s = p.sign;
      place = (i, j, k, out, o) => {
        out[o] = s * (m[0] * i + m[1] * j + m[2] * k + m[3]);
        out[o + 1] = s * (m[4] * i + m[5] * j + m[6] * k + m[7]);
        out[o + 2] = m[8] * i + m[9] * j + m[10] * k + m[11];
      };
    }
    assembleSlab(kept.analysis, kept.positions, at, { positions: new Float32Array(req.positions), triangles: new Uint32Array(req.triangles) }, place);
    kept.positions = null;
    kept.at = at;
    kept.seam = req.seam;
    return { reply: { op: 'assemble', id: req.id }, transfer: [] };
  }
  if (req.op === 'measure') {
    if (!kept?.at) throw new Error('mesh worker: no assembled slab to measure');
    const measures = measureSlab(kept.analysis, new Float32Array(req.positions), new Uint32Array(req.triangles), kept.at, req.ref);
    return { reply: { op: 'measure', id: req.id, measures }, transfer: [] };
  }
  if (req.op === 'stl') {
    const mesh = { positions: new Float32Array(req.positions), triangles: new Uint32Array(req.triangles) };
    // writeStlBinary's check, for this thread's triangles
    const nv = mesh.positions.length / 3;
    for (let i = 3 * req.t0; i < 3 * req.t1; i++) {
      if (mesh.triangles[i] >= nv) throw new Error(`mesh/writeStlBinary: triangle ${Math.floor(i / 3)} names vertex ${mesh.triangles[i]} of ${nv}`);
    }
    // a megabyte of records at a time, each written at its place in the file
    const chunk = new Uint8Array(50 * 20_000);
    let fd: number | undefined;
    try {
      fd = openSync(req.path, 'r+');
      for (let t = req.t0; t < req.t1; t += 20_000) {
        const t1 = Math.min(req.t1, t + 20_000);
        writeStlBinaryTriangles(mesh, t, t1, chunk, 0);
        const bytes = 50 * (t1 - t);
        for (let done = 0; done < bytes; ) done += writeSync(fd, chunk, done, bytes - done, 84 + 50 * t + done);
      }
    } catch (e) {
      throw writeFailed(e, req.shownAs);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return { reply: { op: 'stl', id: req.id }, transfer: [] };
  }
  if (req.op === 'topology') {
    return { reply: { op: 'topology', id: req.id, counts: edgeCountsOf(new Uint32Array(req.triangles), req.v0, req.v1) }, transfer: [] };
  }
  const control = new Int32Array(req.control);
  const a = req.arrays;
  const on = 'layout' in a ? smoothArraysOn(a.memory, a.layout) : null;
  const positions = on ? on.positions : new Float32Array((a as { positions: SharedArrayBuffer }).positions);
  const nv = positions.length / 3;
  let start: Int32Array;
  let neighbours: Int32Array;
  let counts = null;
  if (req.triangles) {
    let raw, count;
    ({ start, neighbours, raw, count } = vertexIncidencesOf(new Uint32Array(req.triangles), nv, req.v0, req.v1));
    counts = edgeCountsOfIncidences(raw, count, req.v0, req.v1, nv);
  } else {
    // this thread's slab: the neighbour lists from its extraction (the seam's from both slabs)
    if (!kept?.at || kept.at.base !== req.v0) throw new Error('mesh worker: smoothing a slab this thread does not hold');
    kept.neighbours ??= slabNeighbours(kept.analysis, kept.at, kept.seam);
    ({ start, neighbours } = kept.neighbours);
  }
  let kernel = null;
  if (on && 'layout' in a) {
    // the lists into this thread's room in the kernel's memory
    const room = on.lists(a.w);
    if (neighbours.length > room.neighbours.length || start.length !== room.start.length) throw new Error('mesh worker: the neighbour lists outgrow their room');
    room.start.set(start);
    room.neighbours.set(neighbours);
    ({ start, neighbours } = room);
    kernel = smoothKernelOn(a.memory);
    if (!kernel) throw new Error('mesh worker: the smoothing kernel does not compile here');
  }
  const { work, out } = on ?? { work: (a as { work: SharedArrayBuffer[] }).work.map(b => new Float64Array(b)) as [Float64Array, Float64Array], out: new Float32Array((a as { out: SharedArrayBuffer }).out) };
  // The kernel's memory: this thread's vertices' positions in, and (below) their smoothed ones
  // out; every step reads the positions of its own vertices only.
  const own = (x: Float32Array) => x.subarray(3 * req.v0, 3 * req.v1);
  if ('layout' in a) positions.set(own(new Float32Array(a.source)), 3 * req.v0);
  smoothVertexRange({
    positions,
    start,
    neighbours,
    v0: req.v0,
    v1: req.v1,
    coefficients: req.coefficients,
    centre: req.centre,
    work,
    out,
    kernel,
    barrier: () => barrier(control, req.threads),
    signal: { get aborted() { return Atomics.load(control, 2) === 1; } },
    onProgress: req.progress ? f => parentPort!.postMessage({ op: 'progress', id: req.id, fraction: f } satisfies MeshWorkerReply) : undefined,
  });
  if ('layout' in a) new Float32Array(a.result).set(own(out), 3 * req.v0);
  return { reply: { op: 'smooth', id: req.id, counts }, transfer: [] };
}

parentPort?.on('message', async (req: MeshWorkerRequest) => {
  try {
    const { reply, transfer } = await handle(req);
    parentPort!.postMessage(reply, transfer);
  } catch (e) {
    parentPort!.postMessage({ op: 'error', id: req.id, error: errorToWire(e, 'the mesh worker') } satisfies MeshWorkerReply);
  }
});

// The thread boots while its caller reads the files' headers: its kernels compile meanwhile.
compileKernelsAhead();
