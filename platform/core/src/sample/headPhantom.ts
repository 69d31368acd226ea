import type { StackGeometry } from '../geometry/types';
import type { VoxelStack } from '../stack/types';

/** Grey values of the sample's materials (8-bit, as a screen capture would hold them). */
export const PHANTOM_VALUES = { air: 0, softTissue: 90, bone: 220, ruler: 255 } as const;

/** The sample's fixed anatomy, in millimetres, so tests can compare meshes with exact volumes. */
export const PHANTOM_ANATOMY = {
  /** Outer semi-axes of the head ellipsoid (x left, y posterior, z superior), mm. */
  headSemiAxesMm: [70, 85, 88] as [number, number, number],
  /** Skull thickness, measured along each semi-axis, mm. */
  skullThicknessMm: 6,
  /** The airway: an air-filled cylinder along z inside the skull, centre (x, y) in mm from the head centre, radius mm, from the bottom of the brain cavity up to zTopMm. */
  airway: { centreMm: [0, -45] as [number, number], radiusMm: 7, zTopMm: 10 },
  /** The burned-in ruler: a bar of this length in mm along x, drawn in every slice's top-left corner. */
  rulerLengthMm: 50,
} as const;

export interface HeadPhantom {
  stack: VoxelStack;
  geometry: StackGeometry;
  description: string;
  /** Analytic bone (skull shell) volume, mL: what a 200–240 threshold should give. */
  boneVolumeMl: number;
  /** Where the ruler's end points are in pixel coordinates of every slice: [x0, y, x1, y]. */
  rulerPixels: [number, number, number, number];
}

/**
 * The built-in sample: an ellipsoid head with a skull shell, soft tissue, an air-filled airway
 * bore and a burned-in ruler, on deliberately non-square pixels (x 0.9 mm, y 0.8 mm) with a
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
          const dx = x - centreMm[0];
          // the airway runs through soft tissue only, so the skull stays one closed shell
          if (v === softTissue && inAirwayZ && dx * dx + dy * dy <= radiusMm * radiusMm) v = air;
        }
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
    description: 'ImageStack sample: head phantom with airway and ruler',
    boneVolumeMl: (outer - inner) / 1000,
    rulerPixels: [rx0, ry, rx1, ry],
  };
}
