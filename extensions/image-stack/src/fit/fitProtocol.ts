import type { FitResult, StackGeometry, WireError } from '@imagestack/core';

/** Messages to the fit worker (workers/fitWorker.ts), each answered once, by `requestId`. */
export type FitRequest =
  | {
      /** Mesh a packed mask (8 voxels a byte, bitMask.ts) as the export does and keep it prepared as the anatomy. */
      op: 'anatomy';
      /** What the caller calls this anatomy (a new key replaces the old one). */
      key: string;
      dims: [number, number, number];
      geometry: StackGeometry;
      packed: Uint8Array;
      smoothIterations: number;
    }
  | { op: 'device'; deviceId: string; positions: Float32Array; triangles: Uint32Array }
  | { op: 'removeDevice'; deviceId: string }
  | {
      op: 'measure';
      /** The anatomy key the caller expects the worker to hold: refused ('empty') if it holds another. */
      anatomyKey: string;
      deviceId: string;
      /** Row-major 4×4, device → patient mm. */
      transform: number[];
      geometry: StackGeometry;
      slices: number;
      /** Device vertices only, no volume: the update while nudging fast. */
      fast: boolean;
    };

export interface AnatomyPrepared {
  op: 'anatomy';
  key: string;
  triangles: number;
  closed: boolean;
  volumeMl: number;
}
export interface DevicePrepared {
  op: 'device';
  deviceId: string;
  triangles: number;
  vertices: number;
  volumeMl: number;
}
export interface DeviceRemoved {
  op: 'removeDevice';
  deviceId: string;
}
/** core's FitResult (its per-vertex distances transferred, not copied), plus the time taken. */
export type Measured = { op: 'measure'; ms: number; full: boolean } & FitResult;

export type FitReply = AnatomyPrepared | DevicePrepared | DeviceRemoved | Measured;
export type FitReplyFor<R extends FitRequest> = Extract<FitReply, { op: R['op'] }>;

export type FitWorkerMessage = FitRequest & { requestId: number };
export type FitWorkerReply = { requestId: number } & ({ type: 'done'; result: FitReply } | { type: 'error'; error: WireError });

/** Sends fit requests somewhere that keeps the prepared meshes: the worker in the viewer, a FitEngine in tests. */
export interface FitBackend {
  call<R extends FitRequest>(request: R): Promise<FitReplyFor<R>>;
  /** Lets the prepared meshes go (the worker is terminated). */
  dispose(): void;
}
