import type { StackGeometry } from '../geometry/types';
import type { VoxelStack } from '../stack/types';

/** Grey values of the sample's materials (8-bit, as a screen capture would hold them). */
export const PHANTOM_VALUES = { air: 0, softTissue: 90, bone: 220, ruler: 255 } as const;

/** A threshold that takes the sample's air (inside and outside the body) and nothing else, inclusive. */
export const PHANTOM_AIR_RANGE: [number, number] = [0, 40];

/** The sample's fixed anatomy, in millimetres, so tests can compare meshes with exact volumes. */
export const PHANTOM_ANATOMY = {
  /** Outer semi-axes of the head ellipsoid (x left, y posterior, z superior), mm. */
  headSemiAxesMm: [70, 85, 88] as [number, number, number],
  /** Skull thickness, measured along each semi-axis, mm. */
  skullThicknessMm: 6,
  /**
   * The airway: an air-filled cylinder along z, centre (x, y) and radius in mm, from below the
   * bottom of the stack (it runs out through the neck, open there like a trachea leaving the
   * field of view) up through the skull base to zTopMm. Its air is apart from the air outside
   * the body: thresholding air takes both, keeping the island at `pointMm` (LPS) the airway only.
   */
  airway: { centreMm: [0, -45] as [number, number], radiusMm: 9, zTopMm: 10, pointMm: [0, -45, -40] as [number, number, number] },
  /** The neck: soft tissue, a cylinder along z (centre x, y and radius, mm) below zTopMm, wherever the head is not. */
  neck: { centreMm: [0, -30] as [number, number], radiusMm: 40, zTopMm: -40 },
  /** Two sealed air pockets (sinuses) in the soft tissue: ellipsoids with these centres (LPS) and semi-axes, mm. */
  sinuses: {
    centresMm: [
      [-25, -55, -30],
      [25, -55, -30],
    ] as Array<[number, number, number]>,
    semiAxesMm: [8, 6, 6] as [number, number, number],
  },
  /** The burned-in ruler: a bar of this length in mm along x, drawn in every slice's top-left corner. */
  rulerLengthMm: 50,
} as const;

export interface HeadPhantom {
  stack: VoxelStack;
  geometry: StackGeometry;
  description: string;
  /** Analytic bone (skull shell less the airway's bore through its base) volume, mL: what a 200–240 threshold should give. */
  boneVolumeMl: number;
  /** Analytic volume of the airway inside the stack (from the stack's bottom edge to its top), mL. */
  airwayVolumeMl: number;
  /**
   * Analytic volume, mL, of a wall `wallMm` thick outside the airway (hollow outside: the airway
   * is the cavity): a tube open at the stack's bottom edge, closed over the airway's top.
   */
  airwayShellVolumeMl(wallMm: number): number;
  /** Where the ruler's end points are in pixel coordinates of every slice: [x0, y, x1, y]. */
  rulerPixels: [number, number, number, number];
}

/**
 * The built-in sample: an ellipsoid head with a skull shell and soft tissue on a neck, an airway
 * running from the brain cavity down through the skull base and out of the bottom of the stack,
 * two sealed sinuses and a burned-in ruler, on deliberately non-square pixels (x 0.9 mm, y 0.8 mm) with a
 * non-zero origin, so the sample itself exercises the geometry. Generated, never stored.
 */
export function makeHeadPhantom(options: { columns?: number; rows?: number; slices?: number } = {}): HeadPhantom {
  const columns = options.columns ?? 192;
  const rows = options.rows ?? 240;
  const slices = options.slices ?? 150;
  // Scale spacing so any requested size covers the same physical field of view.
  const geometry: StackGeometry = {
    pixelSpacingXMm: (0.9 * 192) / columns,
    pixelSpacingYMm: (0.8 * 240) / rows,
    sliceSpacingMm: (1.3 * 150) / slices,
    originMm: [-86, -95, -97],
    orientation: [1, 0, 0, 0, 1, 0],
  };
  const { air, softTissue, bone, ruler } = PHANTOM_VALUES;
  const [ax, ay, az] = PHANTOM_ANATOMY.headSemiAxesMm;
  const t = PHANTOM_ANATOMY.skullThicknessMm;
  const [bx, by, bz] = [ax - t, ay - t, az - t];
  const { centreMm, radiusMm, zTopMm } = PHANTOM_ANATOMY.airway;
  const neck = PHANTOM_ANATOMY.neck;
  const [sa, sb, sc] = PHANTOM_ANATOMY.sinuses.semiAxesMm;
  const inSinus = (x: number, y: number, z: number) =>
    PHANTOM_ANATOMY.sinuses.centresMm.some(([cx, cy, cz]) => ((x - cx) / sa) ** 2 + ((y - cy) / sb) ** 2 + ((z - cz) / sc) ** 2 <= 1);
  const voxels = new Uint8Array(columns * rows * slices);
  const sx = geometry.pixelSpacingXMm;
  const sy = geometry.pixelSpacingYMm;
  // Ruler: 8 mm from the top-left corner, 2 px thick, ticks every 10 mm.
  const rx0 = Math.round(8 / sx);
  const ry = Math.round(8 / sy);
  const rx1 = rx0 + Math.round(PHANTOM_ANATOMY.rulerLengthMm / sx);
  for (let k = 0; k < slices; k++) {
    const z = geometry.originMm[2] + k * geometry.sliceSpacingMm;
    const zo = (z * z) / (az * az);
    const zi = (z * z) / (bz * bz);
    const inAirwayZ = z <= zTopMm;
    for (let j = 0; j < rows; j++) {
      const y = geometry.originMm[1] + j * sy;
      const yo = (y * y) / (ay * ay);
      const yi = (y * y) / (by * by);
      const dy = y - centreMm[1];
      const row = (k * rows + j) * columns;
      for (let i = 0; i < columns; i++) {
        const x = geometry.originMm[0] + i * sx;
        let v: number = air;
        if ((x * x) / (ax * ax) + yo + zo <= 1) {
          v = (x * x) / (bx * bx) + yi + zi <= 1 ? softTissue : bone;
          if (v === softTissue && inSinus(x, y, z)) v = air;
        } else if (z <= neck.zTopMm && (x - neck.centreMm[0]) ** 2 + (y - neck.centreMm[1]) ** 2 <= neck.radiusMm ** 2) {
          v = softTissue;
        }
        // the airway bores through soft tissue and the skull base alike, and out of the bottom
        const dx = x - centreMm[0];
        if (v !== air && inAirwayZ && dx * dx + dy * dy <= radiusMm * radiusMm) v = air;
        voxels[row + i] = v;
      }
    }
    const slice = k * rows * columns;
    for (let i = rx0; i <= rx1; i++) {
      voxels[slice + ry * columns + i] = ruler;
      voxels[slice + (ry + 1) * columns + i] = ruler;
    }
    for (let mm = 0; mm <= PHANTOM_ANATOMY.rulerLengthMm; mm += 10) {
      const i = rx0 + Math.round(mm / sx);
      for (let d = 2; d <= 5; d++) voxels[slice + (ry + d) * columns + i] = ruler;
    }
  }
  const outer = (4 / 3) * Math.PI * ax * ay * az;
  const inner = (4 / 3) * Math.PI * bx * by * bz;
  // The bone the airway bores out of the skull base: over the airway's disc, the shell's
  // thickness along z below the brain cavity (midpoint rule in polar cells; the disc lies inside
  // both ellipses' outlines, and zTopMm is above the base).
  let bore = 0;
  const nr = 200;
  const nt = 200;
  for (let a = 0; a < nr; a++) {
    const r = ((a + 0.5) / nr) * radiusMm;
    for (let b = 0; b < nt; b++) {
      const t = ((b + 0.5) / nt) * 2 * Math.PI;
      const x = centreMm[0] + r * Math.cos(t);
      const y = centreMm[1] + r * Math.sin(t);
      const zo = az * Math.sqrt(1 - (x / ax) ** 2 - (y / ay) ** 2);
      const zi = bz * Math.sqrt(1 - (x / bx) ** 2 - (y / by) ** 2);
      bore += (zo - zi) * r * (radiusMm / nr) * ((2 * Math.PI) / nt);
    }
  }
  // The airway inside the stack: from the stack's bottom edge (half a slice below the first
  // slice's centre) to its top.
  const lengthMm = zTopMm - (geometry.originMm[2] - geometry.sliceSpacingMm / 2);
  const airwayShellVolumeMl = (wallMm: number) => {
    const r = radiusMm;
    const w = wallMm;
    // the tube's wall along the length, then the cap over the top: a disc, the quarter-round
    // edge (a quarter disc of radius w swept round the rim) — the Minkowski sum's closed end
    const tube = Math.PI * ((r + w) ** 2 - r * r) * lengthMm;
    const cap = Math.PI * r * r * w + (Math.PI ** 2 / 2) * r * w * w + (2 / 3) * Math.PI * w ** 3;
    return (tube + cap) / 1000;
  };
  return {
    stack: {
      columns,
      rows,
      slices,
      bitsStored: 8,
      voxels,
      sliceNames: Array.from({ length: slices }, (_, k) => `sample-${String(k + 1).padStart(3, '0')}`),
    },
    geometry,
    description: 'ImageStack sample: head phantom with airway, sinuses and ruler',
    boneVolumeMl: (outer - inner - bore) / 1000,
    airwayVolumeMl: (Math.PI * radiusMm * radiusMm * lengthMm) / 1000,
    airwayShellVolumeMl,
    rulerPixels: [rx0, ry, rx1, ry],
  };
}
