import {
  checkRigidTransform,
  generateTube,
  IDENTITY_TRANSFORM,
  ImageStackError,
  multiplyTransforms,
  placementTransform,
  readMesh,
  rotationTransform,
  transformPoint,
  translationTransform,
  type Mesh,
  type Point3,
  type StackGeometry,
  type TubeParameters,
} from '@imagestack/core';
import type { FitBackend } from '../fit/fitProtocol';
import { targetSegment } from './refineSegment';
import type { SegmentationHost } from './segmentationHost';
import { packSegments } from './segmentMask';
import type { DeviceSource, FitAnatomy, FitDevice, FitState, FitSummary } from './fitState';

/** The series the fit works on: its voxel grid (the anatomy's) and geometry. */
export interface FitSeries {
  dims: [number, number, number];
  geometry: StackGeometry;
}

/**
 * What the fit keeps besides its state: the backend holding the prepared meshes (the worker), what
 * it holds, and each device's mesh on this side (for the contours and the 3D actor). Not saved:
 * after a session is restored, the first measurement prepares everything again from FitState.
 */
export interface FitRuntime {
  backend: FitBackend;
  /** The anatomy key the backend holds. */
  anatomyKey?: string;
  /** The devices the backend holds. */
  devicesPrepared: Set<string>;
  meshes: Map<string, Mesh>;
  /** The last measurement's signed distance per device vertex (mm, + clear): the colour map. Not kept in FitState (it is large and derived). */
  distances?: { deviceId: string; transform: number[]; vertexMm: Float32Array };
  /** Counts anatomies prepared, so each gets a new key. */
  anatomiesPrepared: number;
}

export function createFitRuntime(backend: FitBackend): FitRuntime {
  return { backend, devicesPrepared: new Set(), meshes: new Map(), anatomiesPrepared: 0 };
}

/**
 * A standard adult tracheostomy tube (size 8: inner 8 mm, outer 11 mm, 80 mm along its curve,
 * bent through 90° on a 30 mm radius): the panel's starting values.
 */
export const DEFAULT_TUBE: TubeParameters = { outerDiameterMm: 11, innerDiameterMm: 8, lengthMm: 80, bendRadiusMm: 30, bendAngleDeg: 90 };

const fmt = (v: number) => String(Number(v.toFixed(2)));

/** "Tube OD 11 / ID 8 mm, 80 mm, bent 90° on R 30 mm, cuff 24 mm". */
export function tubeName(p: TubeParameters): string {
  const bend = p.bendAngleDeg ? `, bent ${fmt(p.bendAngleDeg)}° on R ${fmt(p.bendRadiusMm ?? 0)} mm` : '';
  const cuff = p.cuffDiameterMm ? `, cuff ${fmt(p.cuffDiameterMm)} mm` : '';
  return `Tube OD ${fmt(p.outerDiameterMm)} / ID ${fmt(p.innerDiameterMm)} mm, ${fmt(p.lengthMm)} mm${bend}${cuff}`;
}

/** The device's mesh in its own frame, made from its source (and kept for the next call). */
export function deviceMesh(runtime: FitRuntime, device: FitDevice): Mesh {
  let mesh = runtime.meshes.get(device.id);
  if (!mesh) {
    mesh = meshFromSource(device.source);
    runtime.meshes.set(device.id, mesh);
  }
  return mesh;
}

function meshFromSource(source: DeviceSource): Mesh {
  const mesh = source.kind === 'tube' ? generateTube(source.params) : readMesh(source.bytes, source.fileName);
  if (!mesh.triangles.length) throw new ImageStackError('empty', 'the device has no triangles', source.kind === 'file' ? source.fileName : undefined);
  return mesh;
}

export function findDevice(state: FitState, deviceId?: string): FitDevice {
  const id = deviceId ?? state.activeDeviceId;
  const device = state.devices.find(d => d.id === id);
  if (!device) throw new ImageStackError('empty', state.devices.length ? `there is no device ${id}: choose one from the list` : 'there is no device yet: generate a tube or load a device file');
  return device;
}

function addDevice(state: FitState, runtime: FitRuntime, name: string, source: DeviceSource, transform?: ArrayLike<number>): FitDevice {
  // made first: a bad tube or an unreadable file is refused before anything is added
  const mesh = meshFromSource(source);
  const placed = transform ? Array.from(checkRigidTransform(transform, 'the device placement')) : defaultPlacement(state);
  const device: FitDevice = { id: `device-${state.nextId++}`, name, source, transform: placed };
  runtime.meshes.set(device.id, mesh);
  state.devices.push(device);
  state.activeDeviceId = device.id;
  state.last = undefined;
  return device;
}

/** A new device starts where the active one is (the user is trying sizes), else as its file put it. */
function defaultPlacement(state: FitState): number[] {
  const active = state.devices.find(d => d.id === state.activeDeviceId);
  return active ? [...active.transform] : [...IDENTITY_TRANSFORM];
}

/** Adds a parametric tube (core generateTube: tip at its origin, straight part along +z) and makes it the active device. */
export function fitAddTube(state: FitState, runtime: FitRuntime, params: TubeParameters, transform?: ArrayLike<number>): FitDevice {
  return addDevice(state, runtime, tubeName(params), { kind: 'tube', params: { ...params } }, transform);
}

/** Adds a device from an STL (binary or ASCII) or OBJ file, in mm, and makes it the active device. */
export function fitLoadDevice(state: FitState, runtime: FitRuntime, file: { fileName: string; bytes: Uint8Array }, transform?: ArrayLike<number>): FitDevice {
  return addDevice(state, runtime, file.fileName, { kind: 'file', fileName: file.fileName, bytes: file.bytes }, transform);
}

export async function fitRemoveDevice(state: FitState, runtime: FitRuntime, deviceId?: string): Promise<void> {
  const device = findDevice(state, deviceId);
  state.devices = state.devices.filter(d => d !== device);
  runtime.meshes.delete(device.id);
  if (runtime.devicesPrepared.delete(device.id)) await runtime.backend.call({ op: 'removeDevice', deviceId: device.id });
  if (state.activeDeviceId === device.id) state.activeDeviceId = state.devices.at(-1)?.id;
  if (state.last?.deviceId === device.id) state.last = undefined;
}

/**
 * How to place a device, one of:
 * - `transform`: the whole row-major 4×4 (mm, LPS), device → patient;
 * - `positionMm` + `axis` (+ `rollDeg`): the device's origin (a tube's tip) at a point, its +z along a direction;
 * - `translateMm` and/or `rotate`: a nudge from where it is, in patient axes; rotations turn
 *   about `centreMm` when given (a drag turns the device about its middle), else about the
 *   device's origin as placed (a tube's tip), so the tip stays put.
 */
export type Placement =
  | { transform: ArrayLike<number> | string }
  | { positionMm: Point3; axis: Point3; rollDeg?: number }
  | { translateMm?: Point3; rotate?: { axis: Point3; deg: number; centreMm?: Point3 } };

/** Places a device (default the active one). Returns its new transform (row-major, 16 numbers). */
export function fitPlaceDevice(state: FitState, placement: Placement & { deviceId?: string }): number[] {
  const device = findDevice(state, placement.deviceId);
  let T: ArrayLike<number>;
  if ('transform' in placement) {
    const t = placement.transform;
    T = typeof t === 'string' ? parseTransformText(t) : checkRigidTransform(t, 'the device placement');
  } else if ('positionMm' in placement) {
    T = placementTransform(placement.positionMm, placement.axis, placement.rollDeg ?? 0);
  } else {
    T = device.transform;
    if (placement.rotate) T = multiplyTransforms(rotationTransform(placement.rotate.axis, placement.rotate.deg, placement.rotate.centreMm ?? transformPoint(T, [0, 0, 0])), T);
    if (placement.translateMm) T = multiplyTransforms(translationTransform(placement.translateMm), T);
    // many small turns drift from orthonormal: re-check (and refuse) rather than measure a sheared device
    T = checkRigidTransform(T, 'the device placement');
  }
  device.transform = Array.from(T);
  return device.transform;
}

/** The middle of the device's box (its own frame) where it is placed, patient mm: what a drag turns it about. */
export function deviceCentreMm(runtime: FitRuntime, device: FitDevice): Point3 {
  const p = deviceMesh(runtime, device).positions;
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3)
    for (let k = 0; k < 3; k++) {
      if (p[i + k] < lo[k]) lo[k] = p[i + k];
      if (p[i + k] > hi[k]) hi[k] = p[i + k];
    }
  return transformPoint(device.transform, [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2]);
}

/** A typed 4×4: 16 numbers, by rows, separated by commas, spaces or new lines. */
export function parseTransformText(text: string): Float64Array {
  const nums = text.split(/[\s,;]+/).filter(Boolean).map(Number);
  if (nums.length !== 16 || nums.some(v => !Number.isFinite(v))) {
    throw new ImageStackError('bad-argument', `a placement is 16 numbers (a 4×4 by rows, mm), got ${nums.length} in "${text.trim().slice(0, 60)}"`);
  }
  return checkRigidTransform(nums, 'the device placement');
}

/** The transform as the panel's text: four rows of four numbers. */
export function transformText(t: ArrayLike<number>): string {
  const rows: string[] = [];
  for (let i = 0; i < 4; i++) rows.push(Array.from({ length: 4 }, (_, j) => fmtMatrix(t[4 * i + j])).join(', '));
  return rows.join('\n');
}
const fmtMatrix = (v: number) => {
  const r = Math.round(v * 1e6) / 1e6;
  return String(Object.is(r, -0) ? 0 : r);
};

const anatomyKey = (a: Pick<FitAnatomy, 'segmentationId' | 'segmentIndex' | 'smoothIterations'>, version: number) => `${a.segmentationId}:${a.segmentIndex}:${a.smoothIterations}:${version}`;

/** The voxel count and an FNV-1a hash of a packed mask: equal for the same voxels, different (but for a 2⁻³² chance) when any changed. */
function fingerprintOf(packed: Uint8Array, voxels: number): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < packed.length; i++) {
    if (packed[i] === 0) {
      // runs of empty bytes (most of a volume) hash by their length, so a check costs little
      let j = i;
      while (j < packed.length && packed[j] === 0) j++;
      h = Math.imul(h ^ 0x100 ^ (j - i), 0x01000193);
      i = j - 1;
    } else h = Math.imul(h ^ packed[i] ^ (i << 9), 0x01000193);
  }
  return `${voxels}:${(h >>> 0).toString(16)}`;
}

/** What a segment's voxels are now (see FitAnatomy.fingerprint). */
export function segmentFingerprint(host: SegmentationHost, series: FitSeries, segment: { segmentationId: string; segmentIndex: number }): string {
  const { packed, voxels } = packSegments(host.slices(segment.segmentationId), series.dims[0] * series.dims[1], segment.segmentIndex, segment.segmentIndex);
  return fingerprintOf(packed, voxels);
}

async function prepareAnatomyFrom(host: SegmentationHost, series: FitSeries, runtime: FitRuntime, segment: { segmentationId: string; segmentIndex: number; label: string }, smoothIterations: number) {
  const { packed, voxels } = packSegments(host.slices(segment.segmentationId), series.dims[0] * series.dims[1], segment.segmentIndex, segment.segmentIndex);
  if (!voxels) throw new ImageStackError('empty', `segment ${segment.segmentIndex} "${segment.label}" is empty: there is no anatomy to fit against`);
  const fingerprint = fingerprintOf(packed, voxels);
  const key = anatomyKey({ ...segment, smoothIterations }, ++runtime.anatomiesPrepared);
  runtime.anatomyKey = undefined;
  const r = await runtime.backend.call({ op: 'anatomy', key, dims: series.dims, geometry: series.geometry, packed, smoothIterations });
  runtime.anatomyKey = r.key;
  return { ...r, fingerprint };
}

/**
 * Makes a segment the anatomy the devices are measured against: its surface is built as Export
 * STL builds it (packed mask → core buildSurface, `smoothIterations` as the export's; nothing is
 * downloaded) and prepared once in the backend. Returns what was prepared.
 */
export async function fitSetAnatomy(host: SegmentationHost, series: FitSeries, state: FitState, runtime: FitRuntime, req: { segmentIndex?: number; smoothIterations?: number } = {}): Promise<FitAnatomy> {
  const segment = targetSegment(host, req.segmentIndex);
  const smoothIterations = req.smoothIterations ?? 20;
  const r = await prepareAnatomyFrom(host, series, runtime, segment, smoothIterations);
  state.anatomy = { ...segment, smoothIterations, triangles: r.triangles, closed: r.closed, volumeMl: r.volumeMl, fingerprint: r.fingerprint };
  state.last = undefined;
  return state.anatomy;
}

/**
 * Whether the anatomy still is the segment's voxels: 'current'; 'changed' when they changed
 * since "Use this segment" (a refine, a brush stroke: the numbers are of the old surface);
 * 'gone' when the segment is no longer there; 'none' when there is no anatomy.
 */
export function fitAnatomyStatus(host: SegmentationHost, series: FitSeries, state: FitState): 'none' | 'current' | 'changed' | 'gone' {
  const anatomy = state.anatomy;
  if (!anatomy) return 'none';
  const segmentationId = host.findLabelmap();
  if (segmentationId !== anatomy.segmentationId || !host.segments(segmentationId).some(s => s.index === anatomy.segmentIndex)) return 'gone';
  if (!anatomy.fingerprint) return 'current';
  return segmentFingerprint(host, series, anatomy) === anatomy.fingerprint ? 'current' : 'changed';
}

/**
 * Makes the anatomy again from its segment's voxels as they are now (same segment, same
 * smoothing), after fitAnatomyStatus said 'changed'; the last measurement is dropped (it was of
 * the old surface). Returns the new anatomy.
 */
export function fitUpdateAnatomy(host: SegmentationHost, series: FitSeries, state: FitState, runtime: FitRuntime): Promise<FitAnatomy> {
  const anatomy = state.anatomy;
  if (!anatomy) throw new ImageStackError('empty', 'choose the anatomy first: pick a segment and "Use this segment"');
  return fitSetAnatomy(host, series, state, runtime, { segmentIndex: anatomy.segmentIndex, smoothIterations: anatomy.smoothIterations });
}

/**
 * Measures the active device (or `deviceId`) where it is against the anatomy. `fast`: device
 * vertices only, no interference volume (while nudging; a full one should follow). What the
 * backend lacks (after a restored session, a crashed worker) is prepared again first, from the
 * state. Returns the summary, also kept as `state.last`.
 */
export async function fitMeasure(host: SegmentationHost, series: FitSeries, state: FitState, runtime: FitRuntime, req: { deviceId?: string; fast?: boolean } = {}): Promise<FitSummary> {
  const device = findDevice(state, req.deviceId);
  const anatomy = state.anatomy;
  if (!anatomy) throw new ImageStackError('empty', 'choose the anatomy first: pick a segment and "Use this segment"');
  try {
    if (!runtime.anatomyKey) {
      const segment = targetSegment(host, anatomy.segmentIndex);
      const r = await prepareAnatomyFrom(host, series, runtime, segment, anatomy.smoothIterations);
      // prepared again from the voxels as they are now: the anatomy is of those
      Object.assign(anatomy, { triangles: r.triangles, closed: r.closed, volumeMl: r.volumeMl, fingerprint: r.fingerprint });
    }
    if (!runtime.devicesPrepared.has(device.id)) {
      const mesh = deviceMesh(runtime, device);
      await runtime.backend.call({ op: 'device', deviceId: device.id, positions: mesh.positions, triangles: mesh.triangles });
      runtime.devicesPrepared.add(device.id);
    }
    const transform = [...device.transform];
    const r = await runtime.backend.call({ op: 'measure', anatomyKey: runtime.anatomyKey!, deviceId: device.id, transform, geometry: series.geometry, slices: series.dims[2], fast: !!req.fast });
    const summary: FitSummary = {
      deviceId: device.id,
      transform,
      minClearanceMm: r.minClearanceMm,
      closestPointMm: r.closestPointMm,
      closestAnatomyPointMm: r.closestAnatomyPointMm,
      interferenceMl: r.interferenceMl,
      interferenceSlices: r.interferenceSlices,
      deviceInside: r.deviceInside,
      anatomyClosed: r.anatomyClosed,
      full: r.full,
      ms: r.ms,
    };
    state.last = summary;
    runtime.distances = { deviceId: device.id, transform, vertexMm: r.vertexSignedDistanceMm };
    return summary;
  } catch (e) {
    // the backend may have lost what it held (a crashed worker): prepare again next time
    if ((e as ImageStackError).code !== 'bad-argument') {
      runtime.anatomyKey = undefined;
      runtime.devicesPrepared.clear();
    }
    throw e;
  }
}

/** Everything a fit report records: numbers, placement, device, anatomy and the series' geometry. */
export interface FitReport {
  kind: 'imagestack-device-fit';
  created: string;
  series: { description: string; dims: [number, number, number]; geometry: StackGeometry };
  anatomy: FitAnatomy;
  device: { id: string; name: string; source: { kind: 'tube'; params: TubeParameters } | { kind: 'file'; fileName: string; bytes: number } };
  /** Row-major 4×4, device → patient mm (LPS). */
  transform: number[];
  result: {
    min_clearance_mm: number;
    closest_point_mm: Point3;
    closest_anatomy_point_mm: Point3;
    interference_mL: number;
    /** 1-based slice numbers (as the viewer counts them), first and last. */
    interference_slices: [number, number] | null;
    device_inside: boolean;
    anatomy_closed: boolean;
  };
  frame: 'LPS';
  units: 'mm';
}

/**
 * The report of the active device's last full measurement. Refuses when there is none, or when
 * the device moved since (the numbers would not be of the placement reported).
 */
export function fitReport(series: FitSeries & { description: string }, state: FitState, created = new Date()): FitReport {
  const device = findDevice(state);
  const last = state.last;
  if (!state.anatomy || !last || last.deviceId !== device.id || !last.full || last.transform.some((v, i) => v !== device.transform[i])) {
    throw new ImageStackError('empty', 'measure the device where it is first (the report holds the numbers of this placement)');
  }
  const source = device.source.kind === 'tube' ? device.source : { kind: 'file' as const, fileName: device.source.fileName, bytes: device.source.bytes.byteLength };
  const slices = last.interferenceSlices;
  return {
    kind: 'imagestack-device-fit',
    created: created.toISOString(),
    series: { description: series.description, dims: series.dims, geometry: series.geometry },
    anatomy: state.anatomy,
    device: { id: device.id, name: device.name, source },
    transform: [...device.transform],
    result: {
      min_clearance_mm: last.minClearanceMm,
      closest_point_mm: last.closestPointMm,
      closest_anatomy_point_mm: last.closestAnatomyPointMm,
      interference_mL: last.interferenceMl,
      interference_slices: slices ? [slices[0] + 1, slices[1] + 1] : null,
      device_inside: last.deviceInside,
      anatomy_closed: last.anatomyClosed,
    },
    frame: 'LPS',
    units: 'mm',
  };
}
