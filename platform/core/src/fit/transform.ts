import { ImageStackError } from '../errors';
import type { Point3 } from '../geometry/types';

/**
 * A rigid placement of a device in patient space: 16 numbers, a row-major 4×4 matrix in mm
 * (LPS), mapping device coordinates to patient coordinates: x' = m[0]·x + m[1]·y + m[2]·z + m[3],
 * and so on; the last row is 0 0 0 1. The identity leaves the device where its file put it.
 */
export type Transform4 = ArrayLike<number>;

export const IDENTITY_TRANSFORM: readonly number[] = Object.freeze([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

const RIGID_TOLERANCE = 1e-3;

/**
 * Refuses what is not a rigid motion (rotation + translation, within 1e-3): a scaled, sheared or
 * mirrored device would be measured at a size it does not have. Returns a Float64Array copy.
 */
export function checkRigidTransform(m: Transform4, what = 'transform'): Float64Array {
  if (!m || m.length !== 16) throw new ImageStackError('bad-argument', `${what} needs 16 numbers (a row-major 4×4 matrix, mm), got ${m ? m.length : 'none'}`);
  const t = Float64Array.from(m as ArrayLike<number>);
  if (t.some(v => !Number.isFinite(v))) throw new ImageStackError('bad-argument', `${what} holds a number that is not finite`);
  if (Math.abs(t[12]) > RIGID_TOLERANCE || Math.abs(t[13]) > RIGID_TOLERANCE || Math.abs(t[14]) > RIGID_TOLERANCE || Math.abs(t[15] - 1) > RIGID_TOLERANCE) {
    throw new ImageStackError('bad-argument', `${what}: the last row must be 0 0 0 1, got ${[t[12], t[13], t[14], t[15]].join(' ')}`);
  }
  for (let i = 0; i < 3; i++)
    for (let j = i; j < 3; j++) {
      const dot = t[4 * i] * t[4 * j] + t[4 * i + 1] * t[4 * j + 1] + t[4 * i + 2] * t[4 * j + 2];
      if (Math.abs(dot - (i === j ? 1 : 0)) > RIGID_TOLERANCE) {
        throw new ImageStackError('bad-argument', `${what} must be a rotation and a translation (its upper-left 3×3 is not orthonormal: no scaling or shear)`);
      }
    }
  const det =
    t[0] * (t[5] * t[10] - t[6] * t[9]) - t[1] * (t[4] * t[10] - t[6] * t[8]) + t[2] * (t[4] * t[9] - t[5] * t[8]);
  if (det < 0) throw new ImageStackError('bad-argument', `${what} mirrors the device (determinant −1): use a rotation`);
  t[12] = 0;
  t[13] = 0;
  t[14] = 0;
  t[15] = 1;
  return t;
}

/** The inverse of a rigid transform (transpose the rotation, rotate the translation back). */
export function invertRigidTransform(m: Transform4): Float64Array {
  const r = new Float64Array(16);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) r[4 * i + j] = m[4 * j + i];
  for (let i = 0; i < 3; i++) r[4 * i + 3] = -(r[4 * i] * m[3] + r[4 * i + 1] * m[7] + r[4 * i + 2] * m[11]);
  r[15] = 1;
  return r;
}

/** a · b: first b, then a. */
export function multiplyTransforms(a: Transform4, b: Transform4): Float64Array {
  const r = new Float64Array(16);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[4 * i + k] * b[4 * k + j];
      r[4 * i + j] = s;
    }
  return r;
}

/** Moves by (dx, dy, dz) mm. */
export function translationTransform(d: Point3): Float64Array {
  return Float64Array.from([1, 0, 0, d[0], 0, 1, 0, d[1], 0, 0, 1, d[2], 0, 0, 0, 1]);
}

/** Rotation by `angleDeg` (right-handed) about the line through `centreMm` along `axis` (need not be unit). */
export function rotationTransform(axis: Point3, angleDeg: number, centreMm: Point3 = [0, 0, 0]): Float64Array {
  const len = Math.hypot(axis[0], axis[1], axis[2]);
  if (!(len > 0)) throw new ImageStackError('bad-argument', 'rotation axis must not be zero');
  const [x, y, z] = [axis[0] / len, axis[1] / len, axis[2] / len];
  const a = (angleDeg * Math.PI) / 180;
  const c = Math.cos(a), s = Math.sin(a), C = 1 - c;
  const R = [
    c + x * x * C, x * y * C - z * s, x * z * C + y * s,
    y * x * C + z * s, c + y * y * C, y * z * C - x * s,
    z * x * C - y * s, z * y * C + x * s, c + z * z * C,
  ];
  const m = new Float64Array(16);
  for (let i = 0; i < 3; i++) {
    m[4 * i] = R[3 * i];
    m[4 * i + 1] = R[3 * i + 1];
    m[4 * i + 2] = R[3 * i + 2];
    m[4 * i + 3] = centreMm[i] - (R[3 * i] * centreMm[0] + R[3 * i + 1] * centreMm[1] + R[3 * i + 2] * centreMm[2]);
  }
  m[15] = 1;
  return m;
}

/**
 * The placement that puts the device's origin at `positionMm` and its +z axis along `axis`
 * (LPS), then turns it by `rollDeg` about that axis. With generateTube's frame: the tip at
 * `positionMm`, the straight part running along `axis`. At roll 0 the device's +x (the side a
 * bent tube curves towards) is the LPS axis least aligned with `axis`, made perpendicular to it.
 */
export function placementTransform(positionMm: Point3, axis: Point3, rollDeg = 0): Float64Array {
  const len = Math.hypot(axis[0], axis[1], axis[2]);
  if (!(len > 0)) throw new ImageStackError('bad-argument', 'placement axis must not be zero');
  const z: Point3 = [axis[0] / len, axis[1] / len, axis[2] / len];
  const ref: Point3 = Math.abs(z[0]) <= Math.abs(z[1]) && Math.abs(z[0]) <= Math.abs(z[2]) ? [1, 0, 0] : Math.abs(z[1]) <= Math.abs(z[2]) ? [0, 1, 0] : [0, 0, 1];
  const d = ref[0] * z[0] + ref[1] * z[1] + ref[2] * z[2];
  let x: Point3 = [ref[0] - d * z[0], ref[1] - d * z[1], ref[2] - d * z[2]];
  const xl = Math.hypot(x[0], x[1], x[2]);
  x = [x[0] / xl, x[1] / xl, x[2] / xl];
  const y: Point3 = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]];
  const m = Float64Array.from([x[0], y[0], z[0], positionMm[0], x[1], y[1], z[1], positionMm[1], x[2], y[2], z[2], positionMm[2], 0, 0, 0, 1]);
  return rollDeg ? multiplyTransforms(m, rotationTransform([0, 0, 1], rollDeg)) : m;
}

/** Applies `m` to point p. */
export function transformPoint(m: Transform4, p: ArrayLike<number>): Point3 {
  return [
    m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3],
    m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7],
    m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11],
  ];
}

/** Every point of `positions` (x, y, z, …) mapped by m, in float64 (the placed device's vertices, patient mm). */
export function transformPositions(m: Transform4, positions: ArrayLike<number>): Float64Array {
  const n = positions.length - (positions.length % 3);
  const out = new Float64Array(n);
  for (let v = 0; v < n; v += 3) {
    const x = positions[v], y = positions[v + 1], z = positions[v + 2];
    out[v] = m[0] * x + m[1] * y + m[2] * z + m[3];
    out[v + 1] = m[4] * x + m[5] * y + m[6] * z + m[7];
    out[v + 2] = m[8] * x + m[9] * y + m[10] * z + m[11];
  }
  return out;
}

/** Parses "16 comma-separated numbers" (the CLI's and a text field's form of a Transform4). */
export function parseTransform(text: string): Float64Array {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const nums = parts.map(Number);
  if (nums.length !== 16 || nums.some(v => !Number.isFinite(v))) {
    throw new ImageStackError('bad-argument', `a transform is 16 comma-separated numbers (row-major 4×4, mm), got "${text}"`);
  }
  return checkRigidTransform(nums);
}
