/** A point or vector in patient coordinates (DICOM LPS), millimetres. */
export type Point3 = [number, number, number];

/**
 * Direction cosines as DICOM ImageOrientationPatient: the first three are the direction of
 * increasing column index (along a row, "x" on screen), the last three the direction of
 * increasing row index (down a column, "y" on screen), both in LPS.
 */
export type Orientation6 = [number, number, number, number, number, number];

/**
 * Everything needed to place every voxel of a stack in patient space. The one description of
 * a stack's geometry: the viewer's records, the DICOM export and the mesh vertices all derive
 * from it through functions in this folder.
 */
export interface StackGeometry {
  /** Distance between the centres of adjacent columns (along a row, x), mm. */
  pixelSpacingXMm: number;
  /** Distance between the centres of adjacent rows (down a column, y), mm. */
  pixelSpacingYMm: number;
  /** Distance between the centres of adjacent slices along the slice normal, mm. */
  sliceSpacingMm: number;
  /** LPS position of the centre of the first voxel (slice 0, row 0, column 0), mm. */
  originMm: Point3;
  /** Row and column direction cosines (ImageOrientationPatient). */
  orientation: Orientation6;
}

/** Voxel counts: columns (x), rows (y), slices (z). */
export type Dimensions3 = [number, number, number];

/** A point in continuous pixel coordinates of a slice: [column, row], 0 at the centre of the first pixel. */
export type PixelPoint = [number, number];

/** A rectangle of whole pixels of the original (uncropped, full-resolution) slices. */
export interface CropRect {
  /** First column kept. */
  x: number;
  /** First row kept. */
  y: number;
  /** Columns kept. */
  width: number;
  /** Rows kept. */
  height: number;
}

/** In-plane downsampling: every f × f block of pixels becomes one. Slices are never merged. */
export type DownsampleFactor = 1 | 2 | 4;

/** A line drawn over a burned-in ruler: two pixel points and the length the user read off it. */
export interface RulerLine {
  from: PixelPoint;
  to: PixelPoint;
  lengthMm: number;
}
