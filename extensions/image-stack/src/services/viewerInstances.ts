import type { SeriesIdentity, SeriesUids, StackGeometry, SyntheticCtRecord, VoiWindow, VoxelStack } from '@imagestack/core';
import { buildSeriesRecords } from '@imagestack/core';

/** A record as OHIF's DicomMetadataStore holds it: core's synthetic CT record plus the image id. */
export type ViewerInstance = SyntheticCtRecord & { imageId: string; url: string };

/**
 * The records the viewer shows: core's one record builder with 'viewer' storage (8-bit data
 * says BitsAllocated 8, so Cornerstone keeps the volume Uint8). The DICOM export calls the
 * same builder with the same UIDs, window and identity and 'export' storage, so what is seen
 * is what is saved.
 */
export function buildViewerInstances({
  stack,
  geometry,
  uids,
  window,
  identity,
  imageIds,
}: {
  stack: VoxelStack;
  geometry: StackGeometry;
  uids: SeriesUids;
  window: VoiWindow;
  identity: SeriesIdentity;
  imageIds: string[];
}): ViewerInstance[] {
  const records = buildSeriesRecords(stack, geometry, uids, { storage: 'viewer', identity, window });
  return records.map((r, k) => ({ ...r, imageId: imageIds[k], url: imageIds[k] }));
}
