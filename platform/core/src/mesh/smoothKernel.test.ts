// The WebAssembly loop of the smoothing terms gives smoothVertexRange's JavaScript loop's bits.
import { ORIENTATION_PRESETS, type StackGeometry } from '../geometry';
import { torusMask } from '../../testing/shapes';
import { extractSurface, labelmapSource } from './extractSurface';
import { kernelBytes, SMOOTH_KERNEL_MAX_BYTES, smoothKernelMemory, smoothKernelOn } from './smoothKernel';
import { meshCentre, smoothArraysOn, smoothingCoefficients, smoothMemoryLayout, smoothMesh, smoothVertexRange, vertexNeighbours } from './smoothMesh';
import type { Mesh } from './types';

// Non-square pixels and a far origin: the terms work around the mesh's centre.
const g: StackGeometry = { pixelSpacingXMm: 0.45, pixelSpacingYMm: 0.8, sliceSpacingMm: 1.3, originMm: [-86, -95, 1200], orientation: [...ORIENTATION_PRESETS.axial] };
const torus = extractSurface(labelmapSource(torusMask([48, 30, 24], [0.45, 0.8, 1.3], [10, 12, 15], 6, 2.5)), g);
// One more vertex that no triangle names: a row with no neighbours (its own mean).
const withLoose: Mesh = { positions: Float32Array.from([...torus.positions, 3.25, -7.5, 1201.125]), triangles: torus.triangles };

/** smoothVertexRange's JavaScript loop on ordinary arrays: the reference. */
function smoothInJs(mesh: Mesh, iterations: number, passBand: number): Float32Array {
  const nv = mesh.positions.length / 3;
  const { start, neighbours } = vertexNeighbours(mesh);
  const out = new Float32Array(3 * nv);
  const work = [new Float64Array(3 * nv), new Float64Array(3 * nv)] as [Float64Array, Float64Array];
  smoothVertexRange({ positions: mesh.positions, start, neighbours, v0: 0, v1: nv, coefficients: smoothingCoefficients({ iterations, passBand })!, centre: meshCentre(mesh.positions), work, out });
  return out;
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test('the module validates, plain and shared', () => {
  expect(WebAssembly.validate(kernelBytes(false))).toBe(true);
  expect(WebAssembly.validate(kernelBytes(true))).toBe(true);
});

test.each([
  [20, 0.1],
  [20, 0.01],
  [7, 0.5],
  [1, 0.1],
])('smoothMesh in WebAssembly, %i terms, pass band %f: the JavaScript loop\'s bits', (iterations, passBand) => {
  const reference = smoothInJs(withLoose, iterations, passBand);
  const smoothed = smoothMesh(withLoose, { iterations, passBand }).positions;
  expect(bits(smoothed).equals(bits(reference))).toBe(true);
  // it moved the vertices (a loop that copied its input would pass the line above only by chance)
  expect(bits(smoothed).equals(bits(withLoose.positions))).toBe(false);
});

test('on a shared memory (the threads\' kind), a vertex range with its own lists: the same bits', () => {
  const nv = withLoose.positions.length / 3;
  const { start, neighbours } = vertexNeighbours(withLoose);
  const layout = smoothMemoryLayout(nv, [{ rows: 5, entries: 0 }, { rows: nv, entries: neighbours.length }]);
  const memory = smoothKernelMemory(layout.bytes, true)!;
  expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  const on = smoothArraysOn(memory, layout);
  on.positions.set(withLoose.positions);
  const room = on.lists(1); // the second list: its rows and entries do not start at the memory's first bytes
  room.start.set(start);
  room.neighbours.set(neighbours);
  const c = smoothingCoefficients({ iterations: 20, passBand: 0.1 })!;
  // work arrays holding what an earlier run left: the first step writes both (b_n and b_{n+1} = 0)
  for (const w of on.work) w.fill(Number.NaN);
  smoothVertexRange({ positions: on.positions, start: room.start, neighbours: room.neighbours, v0: 0, v1: nv, coefficients: c, centre: meshCentre(withLoose.positions), work: on.work, out: on.out, kernel: smoothKernelOn(memory) });
  expect(bits(on.out).equals(bits(smoothInJs(withLoose, 20, 0.1)))).toBe(true);
});

test('an array off the kernel\'s memory is refused; a memory past what wasm32 addresses is not made', () => {
  const nv = torus.positions.length / 3;
  const { start, neighbours } = vertexNeighbours(torus);
  const layout = smoothMemoryLayout(nv, [{ rows: nv, entries: neighbours.length }]);
  const memory = smoothKernelMemory(layout.bytes, false)!;
  const on = smoothArraysOn(memory, layout);
  const run = () =>
    smoothVertexRange({ positions: torus.positions, start, neighbours, v0: 0, v1: nv, coefficients: smoothingCoefficients({})!, centre: [0, 0, 0], work: on.work, out: on.out, kernel: smoothKernelOn(memory) });
  expect(run).toThrow(/not on the kernel's memory/);
  expect(smoothKernelMemory(SMOOTH_KERNEL_MAX_BYTES + 1, false)).toBeNull();
});
