export * from './types';
export { naturalCompare, naturalSort } from './naturalSort';
export { findGaps, describeGaps, checkGapPolicy, planGapFills, GAP_POLICIES, type SliceGap, type GapPolicy, type GapFill } from './gaps';
export { toGrey, type GreySlice } from './grey';
export { downsampleInto } from './downsample';
export { hashPixels } from './hash';
export { planStack, formatBytes, toCropRect, DEFAULT_MAX_VOLUME_BYTES, type StackPlan, type StackPlanOptions, type StackFileInfo, type PlannedSlice, type SkippedFile, type FileWarning } from './plan';
export { sampleValueRange, withValueRange, rescaleForWindow, toVoxel, mapToVoxels, DEFAULT_PERCENTILES, type Rescale, type ValueRange, type SampleValueRangeOptions } from './valueRange';
export { sliceRequests, createStackAssembler, type StackReport, type DuplicateSlice, type FilledSlice } from './assemble';
export {
  decodeSliceBytes,
  decodeSourcePage,
  prepareDecoders,
  createSliceDecoder,
  replyError,
  type SliceRequest,
  type SliceResult,
  type SliceReply,
  type DecodeSource,
  type SourceReader,
  type BlobLike,
} from './decodeSlice';
export { runDecodePool, createDecodePool, type SpawnWorker, type WorkerPort, type DecodePool, type DecodePoolConfig, type DecodeRunOptions, type DecodePoolOptions } from './pool';
export { probeTarget, probeTargets, blobTargets, HEAD_BYTES, type ProbeTarget, type BlobFile } from './probe';
export { readStackFromTargets, type ReadSourcesOptions } from './readSources';
export { webWorkerSpawner, serveSliceRequests, type WebWorkerLike, type WorkerScopeLike } from './webWorker';
export { detectOverlays, overlaySampleIndices, type OverlayDetection, type OverlayOptions } from './overlays';
