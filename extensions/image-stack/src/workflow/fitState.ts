import type { Point3, TubeParameters } from '@imagestack/core';

/** Where a device's shape comes from: what a saved session needs to make it again. */
export type DeviceSource = { kind: 'tube'; params: TubeParameters } | { kind: 'file'; fileName: string; bytes: Uint8Array };

/** A device in the study: its shape's source and its placement. */
export interface FitDevice {
  /** Stable within the series ("device-1"); a device's source never changes under its id. */
  id: string;
  /** What the panel calls it ("Tube OD 11 / ID 8 mm, 80 mm", or the file's name). */
  name: string;
  source: DeviceSource;
  /** Device → patient, a row-major 4×4 in mm (LPS), rigid (core checkRigidTransform). */
  transform: number[];
}

/** The segment the devices are measured against, and how its surface was made. */
export interface FitAnatomy {
  segmentationId: string;
  segmentIndex: number;
  label: string;
  /** Smoothing passes of the surface (as the export's; 0 none). */
  smoothIterations: number;
  triangles: number;
  /** The surface is closed and consistently wound (inside/outside then exact). */
  closed: boolean;
  volumeMl: number;
  /**
   * The segment's voxels when its surface was made (segmentFingerprint: count and a hash of its
   * packed mask), so a later refine or brush stroke is seen as a change (fitAnatomyStatus).
   * Absent in sessions saved before it was kept: then the anatomy counts as current.
   */
  fingerprint?: string;
}

/** One measurement of one placement (core FitResult without the per-vertex distances). */
export interface FitSummary {
  deviceId: string;
  /** The placement measured (row-major 4×4, mm). */
  transform: number[];
  minClearanceMm: number;
  /** On the device, patient mm (LPS): where the clearance is smallest (or the interference deepest). */
  closestPointMm: Point3;
  closestAnatomyPointMm: Point3;
  /** Device volume outside the lumen, mL; NaN when a fast (drag) update left it unmeasured. */
  interferenceMl: number;
  /** First and last slice index (0-based, the series' order) the interference spans. */
  interferenceSlices?: [number, number];
  deviceInside: boolean;
  anatomyClosed: boolean;
  /** False for a fast update (device vertices only, no volume): a full one follows. */
  full: boolean;
  /** Time the worker took, ms. */
  ms: number;
}

/** The device fit on one series: kept on LoadedSeries.workflow, so a saved session keeps it. */
export interface FitState {
  devices: FitDevice[];
  activeDeviceId?: string;
  anatomy?: FitAnatomy;
  /** The last measurement (of the active device). */
  last?: FitSummary;
  /** Next device number (ids are never reused within a series). */
  nextId: number;
}

export function createFitState(): FitState {
  return { devices: [], nextId: 1 };
}
