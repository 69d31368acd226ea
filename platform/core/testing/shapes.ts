import type { Labelmap, SpacingMm } from '../src/mesh/types';
import type { Dimensions3 } from '../src/geometry';

/**
 * Binary masks of analytic shapes for tests and benchmarks, sampled at voxel centres
 * (x = i · spacingX etc., relative to `centreMm`). Not used by the product code.
 */
export function maskFromFunction(dims: Dimensions3, spacingMm: SpacingMm, inside: (x: number, y: number, z: number) => boolean): Labelmap {
  const [nx, ny, nz] = dims;
  const voxels = new Uint8Array(nx * ny * nz);
  let o = 0;
  for (let k = 0; k < nz; k++) {
    const z = k * spacingMm[2];
    for (let j = 0; j < ny; j++) {
      const y = j * spacingMm[1];
      for (let i = 0; i < nx; i++, o++) voxels[o] = inside(i * spacingMm[0], y, z) ? 1 : 0;
    }
  }
  return { dims, spacingMm, voxels };
}

/** A ball of `radiusMm` centred at `c` (mm from voxel 0,0,0). */
export function sphereMask(dims: Dimensions3, spacingMm: SpacingMm, c: [number, number, number], radiusMm: number): Labelmap {
  const r2 = radiusMm * radiusMm;
  return maskFromFunction(dims, spacingMm, (x, y, z) => (x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2 <= r2);
}

/** A torus around the z axis through `c`: major radius R, tube radius r. Genus 1. */
export function torusMask(dims: Dimensions3, spacingMm: SpacingMm, c: [number, number, number], R: number, r: number): Labelmap {
  return maskFromFunction(dims, spacingMm, (x, y, z) => {
    const q = Math.hypot(x - c[0], y - c[1]) - R;
    return q * q + (z - c[2]) ** 2 <= r * r;
  });
}

/**
 * A ball with a concentric spherical cavity (a hollow ball): two closed surfaces, the inner one
 * facing into the cavity, each of Euler characteristic 2.
 */
export function hollowSphereMask(dims: Dimensions3, spacingMm: SpacingMm, c: [number, number, number], outerMm: number, innerMm: number): Labelmap {
  return maskFromFunction(dims, spacingMm, (x, y, z) => {
    const d2 = (x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2;
    return d2 <= outerMm * outerMm && d2 > innerMm * innerMm;
  });
}

/** A ball with a cylindrical hole bored along z through its centre: genus 1 (Euler 0). */
export function boredSphereMask(dims: Dimensions3, spacingMm: SpacingMm, c: [number, number, number], radiusMm: number, boreMm: number): Labelmap {
  return maskFromFunction(dims, spacingMm, (x, y, z) => {
    const d2 = (x - c[0]) ** 2 + (y - c[1]) ** 2;
    return d2 + (z - c[2]) ** 2 <= radiusMm * radiusMm && d2 > boreMm * boreMm;
  });
}

/**
 * A ball with a blind bore: a cylinder of radius `boreMm` drilled along −z from the top of the
 * ball down to `bottomMm` above the centre (not through). Still genus 0: Euler characteristic 2.
 */
export function blindBoredSphereMask(dims: Dimensions3, spacingMm: SpacingMm, c: [number, number, number], radiusMm: number, boreMm: number, bottomMm: number): Labelmap {
  return maskFromFunction(dims, spacingMm, (x, y, z) => {
    const d2 = (x - c[0]) ** 2 + (y - c[1]) ** 2;
    const inBore = d2 <= boreMm * boreMm && z - c[2] >= bottomMm;
    return d2 + (z - c[2]) ** 2 <= radiusMm * radiusMm && !inBore;
  });
}
