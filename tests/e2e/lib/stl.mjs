// An independent reader of binary STL for the browser tests: the numbers a test checks are
// computed here from the downloaded bytes, not taken from the app's own stats.
export function readBinaryStl(buf) {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const header = new TextDecoder().decode(buf.subarray(0, 80));
  const n = view.getUint32(80, true);
  if (buf.byteLength !== 84 + 50 * n) throw new Error(`STL size ${buf.byteLength} != 84 + 50·${n}`);
  const tri = new Float32Array(n * 9);
  for (let t = 0; t < n; t++) {
    const o = 84 + 50 * t + 12;
    for (let c = 0; c < 9; c++) tri[t * 9 + c] = view.getFloat32(o + 4 * c, true);
  }
  return { header, triangles: n, tri };
}

/** Volume (mL), bbox (mm) and whether every edge is used exactly once in each direction. */
export function stlMeasures({ tri, triangles }) {
  let vol6 = 0;
  const bbox = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
  const key = (a, b) => `${a}|${b}`;
  const edges = new Map();
  const vid = (t, c) => `${tri[t * 9 + c * 3]},${tri[t * 9 + c * 3 + 1]},${tri[t * 9 + c * 3 + 2]}`;
  for (let t = 0; t < triangles; t++) {
    const p = [0, 1, 2].map(c => [tri[t * 9 + c * 3], tri[t * 9 + c * 3 + 1], tri[t * 9 + c * 3 + 2]]);
    const [a, b, c] = p;
    vol6 += a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
    for (const q of p) for (let i = 0; i < 3; i++) {
      bbox[i] = Math.min(bbox[i], q[i]);
      bbox[i + 3] = Math.max(bbox[i + 3], q[i]);
    }
    const ids = [vid(t, 0), vid(t, 1), vid(t, 2)];
    for (let e = 0; e < 3; e++) {
      const k = key(ids[e], ids[(e + 1) % 3]);
      edges.set(k, (edges.get(k) ?? 0) + 1);
    }
  }
  let closed = true;
  for (const [k, count] of edges) {
    const [a, b] = k.split('|');
    if (count !== 1 || edges.get(key(b, a)) !== 1) {
      closed = false;
      break;
    }
  }
  return { volumeMl: vol6 / 6 / 1000, bbox, closedAndOriented: closed };
}

/** Number of pieces: groups of triangles joined through shared edges (touching at a corner is two). */
export function stlPieces({ tri, triangles }) {
  const parent = Int32Array.from({ length: triangles }, (_, i) => i);
  const find = i => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const vid = (t, c) => `${tri[t * 9 + c * 3]},${tri[t * 9 + c * 3 + 1]},${tri[t * 9 + c * 3 + 2]}`;
  const byEdge = new Map();
  for (let t = 0; t < triangles; t++) {
    const ids = [vid(t, 0), vid(t, 1), vid(t, 2)];
    for (let e = 0; e < 3; e++) {
      const [a, b] = [ids[e], ids[(e + 1) % 3]];
      const k = a < b ? `${a}|${b}` : `${b}|${a}`;
      const other = byEdge.get(k);
      if (other === undefined) byEdge.set(k, t);
      else parent[find(t)] = find(other);
    }
  }
  let n = 0;
  for (let t = 0; t < triangles; t++) if (find(t) === t) n++;
  return n;
}
