import { ImageStackError } from '../errors';
import type { Mesh } from '../mesh/types';

/** A parametric tube (e.g. a tracheostomy tube), all lengths in mm. */
export interface TubeParameters {
  /** Outer diameter, mm. */
  outerDiameterMm: number;
  /** Inner diameter (the bore), mm; 0 makes a solid rod. */
  innerDiameterMm: number;
  /** Length of the centreline, mm: the straight part plus the arc (bendRadiusMm · bend angle). */
  lengthMm: number;
  /** Radius of the bend's centreline, mm (with bendAngleDeg; larger than the outer radius). */
  bendRadiusMm?: number;
  /** Angle the bend turns through, degrees (0 or absent: straight). */
  bendAngleDeg?: number;
  /** Diameter of an inflated cuff near the tip, mm (larger than the outer diameter); absent: no cuff. */
  cuffDiameterMm?: number;
  /** Length of the cuff along the centreline, mm (default 20, at most the straight part minus its offset). */
  cuffLengthMm?: number;
  /** Distance from the tip to the cuff's start, mm (default 5). */
  cuffOffsetMm?: number;
  /** Vertices around each ring (default 64). */
  segments?: number;
  /** Spacing of rings along the centreline, mm (default: the outer ring's vertex spacing, so triangles are near square pairs). */
  axialStepMm?: number;
}

/**
 * A closed, outward-oriented, 2-manifold tube: an annulus (outer and inner circles) swept along a
 * centreline that runs straight and then bends, with flat annular end faces (discs for a solid
 * rod), and optionally a cuff (the outer radius swelling smoothly, a sin² profile, to half the
 * cuff diameter).
 *
 * Its own frame, mm: the tip (distal end) is centred at the origin and the straight part runs
 * from it along +z; the bend then turns the centreline towards +x, in the x–z plane, about the
 * centre (bendRadiusMm, 0, straight length); the proximal end is where the centreline's length
 * reaches lengthMm. Place it in the patient with a rigid 4×4 (placementTransform puts the tip at a
 * point with +z along a direction).
 *
 * Volume: π(R² − r²) · lengthMm for any bend (Pappus), less the polygon's shortfall
 * (1 − sin(2π/n)/(2π/n), 0.16 % at 64 segments), plus the cuff.
 */
export function generateTube(params: TubeParameters): Mesh {
  const { outerDiameterMm: od, innerDiameterMm: id, lengthMm: L } = params;
  const bendAngle = ((params.bendAngleDeg ?? 0) * Math.PI) / 180;
  const R = params.bendRadiusMm ?? 0;
  const n = params.segments ?? 64;
  const ro = od / 2, ri = id / 2;
  const bad = (what: string) => new ImageStackError('bad-argument', `tube: ${what}`);
  if (!(od > 0) || !Number.isFinite(od)) throw bad(`outer diameter must be a positive number of mm, got ${od}`);
  if (!(id >= 0) || !(id < od)) throw bad(`inner diameter must be from 0 to below the outer diameter (${od} mm), got ${id}`);
  if (!(L > 0) || !Number.isFinite(L)) throw bad(`length must be a positive number of mm, got ${L}`);
  if (!Number.isInteger(n) || n < 3 || n > 4096) throw bad(`segments must be a whole number 3–4096, got ${n}`);
  if (!(bendAngle >= 0) || bendAngle > 2 * Math.PI) throw bad(`bend angle must be 0–360°, got ${params.bendAngleDeg}`);
  if (bendAngle > 0 && !(R > ro)) throw bad(`bend radius must exceed the outer radius (${ro} mm) for a bend, got ${params.bendRadiusMm ?? 'none'}`);
  const arc = bendAngle > 0 ? R * bendAngle : 0;
  const straight = L - arc;
  if (straight < -1e-9) throw bad(`the bend (${arc.toFixed(1)} mm of arc) is longer than the tube (${L} mm)`);
  let cuff: { r: number; s0: number; s1: number } | undefined;
  if (params.cuffDiameterMm !== undefined) {
    const rc = params.cuffDiameterMm / 2;
    if (!(rc > ro)) throw bad(`cuff diameter must exceed the outer diameter (${od} mm), got ${params.cuffDiameterMm}`);
    const s0 = params.cuffOffsetMm ?? 5;
    const len = params.cuffLengthMm ?? Math.min(20, Math.max(0, L - s0));
    if (!(s0 >= 0) || !(len > 0) || s0 + len > L + 1e-9) throw bad(`the cuff (${s0} mm from the tip, ${len} mm long) must lie on the tube (${L} mm)`);
    cuff = { r: rc, s0, s1: s0 + len };
  }
  const step = params.axialStepMm ?? (2 * Math.PI * ro) / n;
  if (!(step > 0)) throw bad(`axial step must be positive, got ${step}`);

  // Ring stations along the centreline: even steps on each piece, with the cuff's ends as stations.
  const breaks = [0, L];
  if (straight > 1e-9 && arc > 0) breaks.push(straight);
  if (cuff) breaks.push(cuff.s0, cuff.s1);
  const cuts = [...new Set(breaks.map(b => Math.min(Math.max(b, 0), L)))].sort((x, y) => x - y);
  const stations: number[] = [0];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const a = cuts[k], b = cuts[k + 1];
    if (b - a < 1e-9) continue;
    // The cuff needs finer steps to follow its profile.
    const inCuff = cuff && a >= cuff.s0 - 1e-9 && b <= cuff.s1 + 1e-9;
    const m = Math.max(1, Math.ceil((b - a) / (inCuff ? Math.min(step, (b - a) / 24) : step)));
    for (let i = 1; i <= m; i++) stations.push(a + ((b - a) * i) / m);
  }
  const rings = stations.length;
  const outerRadius = (s: number): number => {
    if (!cuff || s <= cuff.s0 || s >= cuff.s1) return ro;
    const u = (s - cuff.s0) / (cuff.s1 - cuff.s0);
    return ro + (cuff.r - ro) * Math.sin(Math.PI * u) ** 2;
  };
  // Centreline frame at s: point c, e1 (in the bend plane, +x at the tip), e2 = +y; e1 × e2 = tangent.
  const frame = (s: number): number[] => {
    if (s <= straight || arc === 0) return [0, 0, s, 1, 0, 0];
    const phi = (s - straight) / R;
    return [R * (1 - Math.cos(phi)), 0, straight + R * Math.sin(phi), Math.cos(phi), 0, -Math.sin(phi)];
  };
  const solid = ri === 0;
  const perRing = solid ? n : 2 * n;
  const nv = rings * perRing + (solid ? 2 : 0);
  const positions = new Float32Array(3 * nv);
  const cos = new Float64Array(n), sin = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / n);
    sin[j] = Math.sin((2 * Math.PI * j) / n);
  }
  for (let k = 0; k < rings; k++) {
    const [cx, cy, cz, e1x, e1y, e1z] = frame(stations[k]);
    const rOut = outerRadius(stations[k]);
    for (let j = 0; j < n; j++) {
      // e2 is +y: point = c + r (cos α e1 + sin α ŷ)
      const o = 3 * (k * perRing + j);
      positions[o] = cx + rOut * cos[j] * e1x;
      positions[o + 1] = cy + rOut * cos[j] * e1y + rOut * sin[j];
      positions[o + 2] = cz + rOut * cos[j] * e1z;
      if (!solid) {
        const p = 3 * (k * perRing + n + j);
        positions[p] = cx + ri * cos[j] * e1x;
        positions[p + 1] = cy + ri * cos[j] * e1y + ri * sin[j];
        positions[p + 2] = cz + ri * cos[j] * e1z;
      }
    }
  }
  const nt = 2 * n * (rings - 1) * (solid ? 1 : 2) + 2 * n * (solid ? 1 : 2);
  const triangles = new Uint32Array(3 * nt);
  let t = 0;
  const tri = (a: number, b: number, c: number) => {
    triangles[t++] = a;
    triangles[t++] = b;
    triangles[t++] = c;
  };
  const out = (k: number, j: number) => k * perRing + (j % n);
  const inn = (k: number, j: number) => k * perRing + n + (j % n);
  for (let k = 0; k + 1 < rings; k++)
    for (let j = 0; j < n; j++) {
      // Outer wall faces away from the centreline; the bore's wall faces into the bore.
      tri(out(k, j), out(k, j + 1), out(k + 1, j + 1));
      tri(out(k, j), out(k + 1, j + 1), out(k + 1, j));
      if (!solid) {
        tri(inn(k, j), inn(k + 1, j + 1), inn(k, j + 1));
        tri(inn(k, j), inn(k + 1, j), inn(k + 1, j + 1));
      }
    }
  const last = rings - 1;
  if (solid) {
    const tip = rings * perRing, end = tip + 1;
    const [cx, cy, cz] = frame(L);
    positions.set([0, 0, 0], 3 * tip);
    positions.set([cx, cy, cz], 3 * end);
    for (let j = 0; j < n; j++) {
      tri(tip, out(0, j + 1), out(0, j)); // faces −z
      tri(end, out(last, j), out(last, j + 1)); // faces along the end tangent
    }
  } else {
    for (let j = 0; j < n; j++) {
      tri(out(0, j), inn(0, j), inn(0, j + 1));
      tri(out(0, j), inn(0, j + 1), out(0, j + 1));
      tri(out(last, j), out(last, j + 1), inn(last, j + 1));
      tri(out(last, j), inn(last, j + 1), inn(last, j));
    }
  }
  return { positions, triangles };
}

/** The analytic volume of a tube without a cuff, mm³: π(R² − r²) · length (Pappus: the bend changes nothing). */
export function tubeVolumeMm3(params: Pick<TubeParameters, 'outerDiameterMm' | 'innerDiameterMm' | 'lengthMm'>): number {
  return (Math.PI / 4) * (params.outerDiameterMm ** 2 - params.innerDiameterMm ** 2) * params.lengthMm;
}
