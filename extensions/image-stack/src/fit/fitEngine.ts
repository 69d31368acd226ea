import { buildSurface, ImageStackError, measureFit, prepareAnatomy, prepareDevice, type PreparedMesh } from '@imagestack/core';
import { packedSource } from '../mesh/runJob';
import type { FitReply, FitRequest } from './fitProtocol';

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * The device fit's state off the main thread: the anatomy's surface and each device, prepared
 * once (triangle hierarchies, pseudonormals), then each placement measured against them (fast:
 * the work per update is the distance queries only). workers/fitWorker.ts wraps one; the unit
 * tests call one directly. The anatomy is meshed exactly as Export STL meshes a segment (the
 * same buildSurface over the same packed mask), so what is measured is what would be printed.
 */
export class FitEngine {
  private anatomy?: { key: string; prepared: PreparedMesh };
  private readonly devices = new Map<string, PreparedMesh>();

  handle(request: FitRequest): FitReply {
    switch (request.op) {
      case 'anatomy': {
        // the old anatomy goes first: two lumens' hierarchies at once are not needed
        this.anatomy = undefined;
        const built = buildSurface(packedSource(request.dims, request.packed), request.geometry, { range: [1, 1], smoothIterations: request.smoothIterations });
        if (!built.mesh.triangles.length) throw new ImageStackError('empty', 'the anatomy segment has no surface: it is empty');
        this.anatomy = { key: request.key, prepared: prepareAnatomy(built.mesh) };
        const { stats } = built;
        return { op: 'anatomy', key: request.key, triangles: stats.triangles, closed: stats.watertight && stats.oriented, volumeMl: stats.volume_mL };
      }
      case 'device': {
        const prepared = prepareDevice({ positions: request.positions, triangles: request.triangles });
        this.devices.set(request.deviceId, prepared);
        return { op: 'device', deviceId: request.deviceId, triangles: request.triangles.length / 3, vertices: request.positions.length / 3, volumeMl: prepared.volumeMm3 / 1000 };
      }
      case 'removeDevice':
        this.devices.delete(request.deviceId);
        return { op: 'removeDevice', deviceId: request.deviceId };
      case 'measure': {
        if (!this.anatomy || this.anatomy.key !== request.anatomyKey) throw new ImageStackError('empty', 'the fit has no anatomy prepared: choose a segment and "Use this segment"');
        const device = this.devices.get(request.deviceId);
        if (!device) throw new ImageStackError('empty', `device ${request.deviceId} is not prepared: add it again`);
        const t0 = now();
        const r = measureFit(this.anatomy.prepared, device, request.transform, {
          geometry: request.geometry,
          slices: request.slices,
          skipInterference: request.fast,
          skipReverse: request.fast,
        });
        return { op: 'measure', ms: now() - t0, full: !request.fast, ...r };
      }
    }
  }

  /** Which anatomy is prepared (its key), for tests and the worker's status. */
  anatomyKey(): string | undefined {
    return this.anatomy?.key;
  }
}
