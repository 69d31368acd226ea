import { ImageStackError } from '../errors';
import type { Mesh, MeshFrame } from './types';

export interface MeshWriterOptions {
  /** The frame the mesh's vertices are in, recorded in the header; default 'LPS'. */
  frame?: MeshFrame;
  /** Solid / object name, default "imagestack". ASCII letters, digits, - and _ only. */
  name?: string;
}

/** The header text every writer records: units and frame, so a reader can place the model. */
export function meshHeaderText(frame: MeshFrame = 'LPS'): string {
  return `ImageStack surface; units mm; frame ${frame === 'RAS' ? 'RAS' : 'LPS'}`;
}

function checkMesh(mesh: Mesh, writer: string): number {
  if (mesh.triangles.length % 3 !== 0 || mesh.positions.length % 3 !== 0) {
    throw new Error(`mesh/${writer}: triangles and positions must be multiples of 3`);
  }
  const nt = mesh.triangles.length / 3;
  const nv = mesh.positions.length / 3;
  for (let i = 0; i < mesh.triangles.length; i++) {
    if (mesh.triangles[i] >= nv) throw new Error(`mesh/${writer}: triangle ${Math.floor(i / 3)} names vertex ${mesh.triangles[i]} of ${nv}`);
  }
  if (nt > 0xffffffff) throw new ImageStackError('too-large', `mesh/${writer}: ${nt} triangles do not fit an STL count`);
  return nt;
}

/** Unit facet normal of triangle t (zero for a degenerate triangle), from the winding. */
function facetNormal(mesh: Mesh, t: number, out: Float64Array): void {
  const p = mesh.positions;
  const a = 3 * mesh.triangles[3 * t], b = 3 * mesh.triangles[3 * t + 1], c = 3 * mesh.triangles[3 * t + 2];
  const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
  const wx = p[c] - p[a], wy = p[c + 1] - p[a + 1], wz = p[c + 2] - p[a + 2];
  const nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
  const len = Math.sqrt(nx * nx + ny * ny + nz * nz);
  const s = len > 0 ? 1 / len : 0;
  // + 0 turns −0 into 0, so files do not depend on the sign of a zero.
  out[0] = nx * s + 0;
  out[1] = ny * s + 0;
  out[2] = nz * s + 0;
}

/**
 * Binary STL: an 80-byte header (units mm and the frame, never starting with "solid", which
 * would make readers take it for ASCII), the triangle count, then 50 bytes per triangle
 * (normal, three vertices as little-endian float32, a zero attribute word). Exactly 84 + 50·n bytes.
 */
export function writeStlBinary(mesh: Mesh, options: MeshWriterOptions = {}): Uint8Array {
  const nt = checkMesh(mesh, 'writeStlBinary');
  const bytes = new Uint8Array(84 + 50 * nt);
  writeStlBinaryHeader(bytes, nt, options);
  writeStlBinaryTriangles(mesh, 0, nt, bytes);
  return bytes;
}

/** The 84 bytes before the triangles: header text and count (see writeStlBinary); a count past 32 bits is refused. */
export function writeStlBinaryHeader(bytes: Uint8Array, triangles: number, options: MeshWriterOptions = {}): void {
  if (triangles > 0xffffffff) throw new ImageStackError('too-large', `mesh/writeStlBinary: ${triangles} triangles do not fit an STL count`);
  const header = meshHeaderText(options.frame);
  for (let i = 0; i < 80; i++) bytes[i] = i < header.length ? header.charCodeAt(i) : 0x20;
  new DataView(bytes.buffer, bytes.byteOffset, 84).setUint32(80, triangles, true);
}

/**
 * Triangles t0..t1−1 of a checked mesh into their 50-byte records of a binary STL, exactly as
 * writeStlBinary writes them, from byte `at` of `bytes`: by default where they lie in the whole
 * file's bytes (84 + 50·t0), so threads can each write a range of one file; or 0, a chunk of
 * records to write at that offset of the file.
 */
export function writeStlBinaryTriangles(mesh: Mesh, t0: number, t1: number, bytes: Uint8Array, at = 84 + 50 * t0): void {
  if (bytes.length < at + 50 * (t1 - t0)) throw new Error('mesh/writeStlBinary: the output is too short for the triangles');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const p = mesh.positions;
  const tri = mesh.triangles;
  let o = at;
  for (let t = t0; t < t1; t++) {
    const a = 3 * tri[3 * t], b = 3 * tri[3 * t + 1], c = 3 * tri[3 * t + 2];
    // Unit facet normal from the winding (zero for a degenerate triangle); + 0 turns −0 into
    // 0, so files do not depend on the sign of a zero.
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const wx = p[c] - p[a], wy = p[c + 1] - p[a + 1], wz = p[c + 2] - p[a + 2];
    const nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
    const len = Math.sqrt(nx * nx + ny * ny + nz * nz);
    const s = len > 0 ? 1 / len : 0;
    view.setFloat32(o, nx * s + 0, true);
    view.setFloat32(o + 4, ny * s + 0, true);
    view.setFloat32(o + 8, nz * s + 0, true);
    view.setFloat32(o + 12, p[a], true);
    view.setFloat32(o + 16, p[a + 1], true);
    view.setFloat32(o + 20, p[a + 2], true);
    view.setFloat32(o + 24, p[b], true);
    view.setFloat32(o + 28, p[b + 1], true);
    view.setFloat32(o + 32, p[b + 2], true);
    view.setFloat32(o + 36, p[c], true);
    view.setFloat32(o + 40, p[c + 1], true);
    view.setFloat32(o + 44, p[c + 2], true);
    view.setUint16(o + 48, 0, true);
    o += 50;
  }
}

function solidName(options: MeshWriterOptions): string {
  const name = options.name ?? 'imagestack';
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new ImageStackError('bad-argument', `mesh name "${name}" may hold only letters, digits, - and _`);
  return name;
}

/** A float32 coordinate as ASCII STL/OBJ write it: shortest text that reads back to the same float32. */
export function formatFloat32(x: number): string {
  const f = Math.fround(x);
  if (f === 0) return '0';
  if (Number.isInteger(f) && Math.abs(f) < 1e15) return String(f);
  for (let digits = 6; digits < 9; digits++) {
    const s = f.toPrecision(digits);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(Number(f.toPrecision(9)));
}

/**
 * ASCII STL. The frame and units go on the `solid` line after the name (the only place ASCII
 * STL has for them), e.g. `solid imagestack ImageStack surface; units mm; frame LPS`.
 */
export function writeStlAscii(mesh: Mesh, options: MeshWriterOptions = {}): string {
  const nt = checkMesh(mesh, 'writeStlAscii');
  const name = solidName(options);
  const p = mesh.positions;
  const n = new Float64Array(3);
  // Each vertex is shared by about six triangles: format its line once.
  const vertexLine: Array<string | undefined> = new Array(p.length / 3);
  const line = (v: number): string =>
    (vertexLine[v] ??= `  vertex ${formatFloat32(p[3 * v])} ${formatFloat32(p[3 * v + 1])} ${formatFloat32(p[3 * v + 2])}\n`);
  const parts: string[] = [`solid ${name} ${meshHeaderText(options.frame)}\n`];
  const t = mesh.triangles;
  for (let i = 0; i < nt; i++) {
    facetNormal(mesh, i, n);
    parts.push(
      `facet normal ${formatFloat32(n[0])} ${formatFloat32(n[1])} ${formatFloat32(n[2])}\n outer loop\n` +
        line(t[3 * i]) +
        line(t[3 * i + 1]) +
        line(t[3 * i + 2]) +
        ' endloop\nendfacet\n',
    );
  }
  parts.push(`endsolid ${name}\n`);
  return parts.join('');
}

/** Wavefront OBJ: shared vertices (`v`) and 1-based triangle faces (`f`), units and frame in a comment. */
export function writeObj(mesh: Mesh, options: MeshWriterOptions = {}): string {
  const nt = checkMesh(mesh, 'writeObj');
  const name = solidName(options);
  const p = mesh.positions;
  const parts: string[] = [`# ${meshHeaderText(options.frame)}\no ${name}\n`];
  for (let v = 0; v < p.length; v += 3) parts.push(`v ${formatFloat32(p[v])} ${formatFloat32(p[v + 1])} ${formatFloat32(p[v + 2])}\n`);
  const t = mesh.triangles;
  for (let i = 0; i < nt; i++) parts.push(`f ${t[3 * i] + 1} ${t[3 * i + 1] + 1} ${t[3 * i + 2] + 1}\n`);
  return parts.join('');
}
