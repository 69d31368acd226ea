import { ImageStackError } from '../errors';
import type { Mesh } from './types';

/**
 * Reads a triangle mesh from a file's bytes: binary or ASCII STL, or Wavefront OBJ. The format is
 * taken from the name's extension (.stl, .obj) and, failing that, from the content. STL's
 * separate triangles are welded at bit-identical corners, so a closed model reads back closed.
 * Units are whatever the file holds (ours write mm); the frame is not changed. Errors name
 * `fileName`.
 */
export function readMesh(bytes: Uint8Array, fileName = 'mesh'): Mesh {
  try {
    const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
    if (ext === 'obj') return readObj(bytes);
    if (ext === 'stl') return readStl(bytes);
    if (looksLikeObj(bytes)) return readObj(bytes);
    return readStl(bytes);
  } catch (e) {
    if (e instanceof ImageStackError) throw e.withFile(fileName);
    throw e;
  }
}

function looksLikeObj(bytes: Uint8Array): boolean {
  const head = latin1(bytes.subarray(0, Math.min(bytes.length, 4096)));
  return /^\s*(#.*\n\s*)*(v|o|g|mtllib|vn|vt)\s/m.test(head) && !/^\s*solid\b/.test(head);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/**
 * Binary or ASCII STL. Binary when the size is exactly 84 + 50·n for the count n at byte 80 (some
 * binary files' headers also start with "solid"); otherwise ASCII if it starts with "solid".
 */
export function readStl(bytes: Uint8Array): Mesh {
  if (bytes.length >= 84) {
    const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
    if (bytes.length === 84 + 50 * n) return readStlBinary(bytes);
  }
  const start = latin1(bytes.subarray(0, Math.min(bytes.length, 512)));
  if (/^\s*solid\b/.test(start) && /facet|endsolid/.test(latin1(bytes.subarray(0, Math.min(bytes.length, 1 << 16))))) return readStlAscii(new TextDecoder('latin1').decode(bytes));
  if (bytes.length >= 84) {
    const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
    throw new ImageStackError('corrupt', `not a complete STL: a binary STL of ${n} triangles is ${84 + 50 * n} bytes, this file has ${bytes.length}, and it is not ASCII STL`);
  }
  throw new ImageStackError('unsupported-format', `not an STL file (${bytes.length} bytes; binary STL needs at least 84)`);
}

/** Binary STL: 80-byte header, uint32 count, 50 bytes per triangle (normal ignored, the winding is what counts). */
export function readStlBinary(bytes: Uint8Array): Mesh {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(80, true);
  if (bytes.length < 84 + 50 * n) throw new ImageStackError('corrupt', `binary STL says ${n} triangles but holds ${Math.floor((bytes.length - 84) / 50)}`);
  const soup = new Float32Array(9 * n);
  for (let t = 0; t < n; t++) {
    const o = 84 + 50 * t + 12;
    for (let k = 0; k < 9; k++) soup[9 * t + k] = view.getFloat32(o + 4 * k, true);
  }
  return weld(soup);
}

/** ASCII STL: `facet … outer loop`, three `vertex x y z`, `endloop endfacet`, any number of solids. */
export function readStlAscii(text: string): Mesh {
  const re = /vertex\s+(\S+)\s+(\S+)\s+(\S+)/g;
  const values: number[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const x = Number(m[1]), y = Number(m[2]), z = Number(m[3]);
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
      const line = text.slice(0, m.index).split('\n').length;
      throw new ImageStackError('corrupt', `ASCII STL line ${line}: "vertex ${m[1]} ${m[2]} ${m[3]}" is not three numbers`);
    }
    values.push(x, y, z);
  }
  if (values.length % 9 !== 0) throw new ImageStackError('corrupt', `ASCII STL holds ${values.length / 3} vertices, not a multiple of 3`);
  return weld(Float32Array.from(values));
}

/**
 * Shares corners that are bit-identical (a triangle soup → an indexed mesh), keeping the first
 * occurrence's order; drops triangles that collapse to a line on a repeated corner.
 */
function weld(soup: Float32Array): Mesh {
  const n = soup.length / 3;
  const bits = new Uint32Array(soup.buffer, soup.byteOffset, soup.length);
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const table = new Int32Array(size).fill(-1);
  const positions = new Float32Array(soup.length);
  const corner = new Uint32Array(n);
  let nv = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(soup[3 * i]) || !Number.isFinite(soup[3 * i + 1]) || !Number.isFinite(soup[3 * i + 2])) {
      throw new ImageStackError('corrupt', `STL triangle ${Math.floor(i / 3)} has a corner that is not a finite number`);
    }
    // −0 and 0 are the same point.
    const x = soup[3 * i] === 0 ? 0 : bits[3 * i], y = soup[3 * i + 1] === 0 ? 0 : bits[3 * i + 1], z = soup[3 * i + 2] === 0 ? 0 : bits[3 * i + 2];
    let h = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca77) ^ Math.imul(z, 0xc2b2ae3d)) >>> 0;
    h = (h ^ (h >>> 15)) & (size - 1);
    for (;;) {
      const v = table[h];
      if (v < 0) {
        table[h] = nv;
        positions[3 * nv] = soup[3 * i] + 0;
        positions[3 * nv + 1] = soup[3 * i + 1] + 0;
        positions[3 * nv + 2] = soup[3 * i + 2] + 0;
        corner[i] = nv++;
        break;
      }
      if (positions[3 * v] === soup[3 * i] && positions[3 * v + 1] === soup[3 * i + 1] && positions[3 * v + 2] === soup[3 * i + 2]) {
        corner[i] = v;
        break;
      }
      h = (h + 1) & (size - 1);
    }
  }
  const triangles = new Uint32Array(n);
  let nt = 0;
  for (let t = 0; t < n; t += 3) {
    const a = corner[t], b = corner[t + 1], c = corner[t + 2];
    if (a === b || b === c || a === c) continue;
    triangles[nt++] = a;
    triangles[nt++] = b;
    triangles[nt++] = c;
  }
  return { positions: positions.slice(0, 3 * nv), triangles: triangles.slice(0, nt) };
}

/**
 * Wavefront OBJ: `v x y z` vertices and `f` faces (`i`, `i/t`, `i//n`, `i/t/n`; negative indices
 * count back from the last vertex); polygons are split into fans. Other records (normals,
 * texture coordinates, groups, materials, lines) are ignored.
 */
export function readObj(input: Uint8Array | string): Mesh {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  const pos: number[] = [];
  const tri: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let li = 0; li < lines.length; li++) {
    let line = lines[li];
    // A trailing backslash continues the line.
    while (line.endsWith('\\') && li + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++li];
    const s = line.trim();
    if (s.startsWith('v ') || s.startsWith('v\t')) {
      const f = s.split(/\s+/);
      const x = Number(f[1]), y = Number(f[2]), z = Number(f[3]);
      if (f.length < 4 || !Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) throw new ImageStackError('corrupt', `OBJ line ${li + 1}: "${s.slice(0, 60)}" is not a vertex of three numbers`);
      pos.push(x, y, z);
    } else if (s.startsWith('f ') || s.startsWith('f\t')) {
      const f = s.split(/\s+/).slice(1);
      const nvSoFar = pos.length / 3;
      const idx = f.map(w => {
        const i = parseInt(w.split('/')[0], 10);
        const v = i < 0 ? nvSoFar + i : i - 1;
        if (!Number.isInteger(i) || i === 0 || v < 0 || v >= nvSoFar) throw new ImageStackError('corrupt', `OBJ line ${li + 1}: face corner "${w}" names no vertex (there are ${nvSoFar} so far)`);
        return v;
      });
      if (idx.length < 3) throw new ImageStackError('corrupt', `OBJ line ${li + 1}: a face needs at least 3 corners`);
      for (let k = 1; k + 1 < idx.length; k++) tri.push(idx[0], idx[k], idx[k + 1]);
    }
  }
  if (pos.length === 0) throw new ImageStackError('unsupported-format', 'no OBJ vertices ("v x y z" lines) found');
  return { positions: Float32Array.from(pos), triangles: Uint32Array.from(tri) };
}
