// The Node worker_threads entry of the parallel mesh path (meshThreads.ts): one thread's share
// of decoding + thresholding + marching cubes (a slab of slices), or of windowed-sinc smoothing
// (a range of vertices, over shared memory).
import { parentPort } from 'node:worker_threads';
import { errorToWire } from '../../errors/wire';
import { createSlabExtractor, type CodedSlice } from '../../mesh/extractSurface';
import { codedBmpSlice } from '../codedSlice';
import { edgeCountsOf, edgeCountsOfIncidences } from '../../mesh/meshStats';
import { smoothVertexRange, vertexIncidencesOf } from '../../mesh/smoothMesh';
import { writeStlBinary } from '../../mesh/writeStl';
import type { createSliceDecoder, SliceRequest } from '../decodeSlice';
import { createFileReader } from './fileReader';
import type { MeshWorkerReply, MeshWorkerRequest } from './meshThreads';

const reader = createFileReader();
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
    const s = slab.finish();
    return { reply: { op: 'slab', id: req.id, slab: s }, transfer: [s.positions.buffer as ArrayBuffer, s.triangles.buffer as ArrayBuffer] };
  }
  if (req.op === 'stl') {
    const bytes = writeStlBinary({ positions: new Float32Array(req.positions), triangles: new Uint32Array(req.triangles) }, { frame: req.frame });
    return { reply: { op: 'stl', id: req.id, bytes }, transfer: [bytes.buffer as ArrayBuffer] };
  }
  if (req.op === 'topology') {
    return { reply: { op: 'topology', id: req.id, counts: edgeCountsOf(new Uint32Array(req.triangles), req.v0, req.v1) }, transfer: [] };
  }
  const control = new Int32Array(req.control);
  const triangles = new Uint32Array(req.triangles);
  const positions = new Float32Array(req.positions);
  const nv = positions.length / 3;
  const { start, neighbours, raw, count } = vertexIncidencesOf(triangles, nv, req.v0, req.v1);
  const counts = edgeCountsOfIncidences(raw, count, req.v0, req.v1);
  const work = req.work.map(b => new Float64Array(b)) as [Float64Array, Float64Array, Float64Array, Float64Array];
  smoothVertexRange({
    positions,
    start,
    neighbours,
    v0: req.v0,
    v1: req.v1,
    coefficients: req.coefficients,
    centre: req.centre,
    work,
    out: new Float32Array(req.out),
    barrier: () => barrier(control, req.threads),
    signal: { get aborted() { return Atomics.load(control, 2) === 1; } },
    onProgress: req.progress ? f => parentPort!.postMessage({ op: 'progress', id: req.id, fraction: f } satisfies MeshWorkerReply) : undefined,
  });
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
