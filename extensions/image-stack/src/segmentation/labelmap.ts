import { getCornerstone } from '../utils/cornerstone';
import { SERVICE_NAME } from '../ids';
import type { ImageStackService, LoadedSeries } from '../services/ImageStackService';
import { packedSliceBytes, packSlice } from '../mesh/bitMask';

/** What the segmentation helpers need from OHIF. */
export interface HostContext {
  servicesManager: any;
  extensionManager: any;
}

/** The display set of our loaded series (reconstructable: the one MPR and 3D show). */
export function findSeriesDisplaySet({ servicesManager }: HostContext, series: LoadedSeries): any {
  const { displaySetService } = servicesManager.services;
  return displaySetService.getActiveDisplaySets().find((ds: any) => ds.SeriesInstanceUID === series.seriesInstanceUID);
}

/** Grid viewports currently showing a display set. */
function viewportsShowing({ servicesManager }: HostContext, displaySetInstanceUID: string): string[] {
  const ids: string[] = [];
  for (const [id, vp] of servicesManager.services.viewportGridService.getState().viewports) {
    if (vp.displaySetInstanceUIDs?.includes(displaySetInstanceUID)) ids.push(id);
  }
  return ids;
}

/** The labelmap segmentation on our series that the workflow panel works on, if any. */
export function findLabelmap({ servicesManager }: HostContext, series: LoadedSeries): string | undefined {
  const { segmentationService } = servicesManager.services;
  const all = segmentationService.getSegmentations?.() ?? [];
  const ours = all.find((s: any) => s.label?.startsWith?.('ImageStack') && s.representationData?.Labelmap) ?? all.find((s: any) => s.representationData?.Labelmap);
  return ours?.segmentationId;
}

/**
 * Creates a labelmap for our series with one segment and shows it on every viewport of the
 * series, as OHIF's own "Add segmentation" does (DESIGN.md, measured path).
 */
export async function createLabelmap(ctx: HostContext, series: LoadedSeries, segmentLabel: string): Promise<string> {
  const { segmentationService, viewportGridService } = ctx.servicesManager.services;
  const ds = findSeriesDisplaySet(ctx, series);
  if (!ds) throw new Error('The loaded series is not displayed: open it in the viewer first');
  const segmentationId: string = await segmentationService.createLabelmapForDisplaySet(ds, {
    label: 'ImageStack segmentation',
    segments: { 1: { label: segmentLabel, active: true } },
  });
  for (const viewportId of viewportsShowing(ctx, ds.displaySetInstanceUID)) {
    await segmentationService.addSegmentationRepresentation(viewportId, { segmentationId });
  }
  segmentationService.setActiveSegmentation(viewportGridService.getState().activeViewportId, segmentationId);
  segmentationService.setActiveSegment(segmentationId, 1);
  return segmentationId;
}

/**
 * The labelmap as per-slice arrays in our slice order: Cornerstone keeps one derived image per
 * source slice; each is matched to our slice through the image it was derived from, so the
 * order never depends on how the display set sorted them.
 */
export function labelmapSlices(ctx: HostContext, series: LoadedSeries, segmentationId: string): Uint8Array[] {
  const { cornerstone, cornerstoneTools } = getCornerstone(ctx.extensionManager);
  const service: ImageStackService = ctx.servicesManager.services[SERVICE_NAME];
  const seg = cornerstoneTools.segmentation.state.getSegmentation(segmentationId);
  const L = seg?.representationData?.Labelmap;
  const imageIds: string[] = L?.imageIds ?? L?.labelmaps?.[L?.primaryLabelmapId]?.imageIds ?? [];
  const slices: Uint8Array[] = new Array(series.stack.slices);
  for (const id of imageIds) {
    const image = cornerstone.cache.getImage(id);
    const found = image && service.resolveImageId(image.referencedImageId);
    if (found && found.series === series) slices[found.sliceIndex] = image.voxelManager.getScalarData();
  }
  for (let k = 0; k < slices.length; k++) {
    if (!slices[k]) throw new Error(`The segmentation has no slice ${k + 1}: wait until the series has loaded, then try again`);
  }
  return slices;
}

/**
 * Whole-volume threshold into one segment: voxels with lower ≤ value ≤ upper become
 * `segmentIndex`, voxels of that segment outside the range are cleared, other segments are
 * left alone. Our own per-slice loop, not cornerstone's thresholdVolumeByRange (exclusive
 * bounds, 30× slower; DESIGN.md). Returns the number of voxels in the segment.
 */
export function thresholdIntoSegment(
  ctx: HostContext,
  series: LoadedSeries,
  segmentationId: string,
  { lower, upper, segmentIndex }: { lower: number; upper: number; segmentIndex: number },
): number {
  const { cornerstoneTools } = getCornerstone(ctx.extensionManager);
  const slices = labelmapSlices(ctx, series, segmentationId);
  const n = series.stack.rows * series.stack.columns;
  let count = 0;
  const modified: number[] = [];
  for (let k = 0; k < slices.length; k++) {
    const src = series.stack.voxels.subarray(k * n, (k + 1) * n);
    const dst = slices[k];
    let changed = false;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (v >= lower && v <= upper) {
        if (dst[i] !== segmentIndex) {
          dst[i] = segmentIndex;
          changed = true;
        }
        count++;
      } else if (dst[i] === segmentIndex) {
        dst[i] = 0;
        changed = true;
      }
    }
    if (changed) modified.push(k);
  }
  cornerstoneTools.segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId, modified, segmentIndex);
  return count;
}

/** The segments of a segmentation: index and label. */
export function listSegments({ servicesManager }: HostContext, segmentationId: string): Array<{ index: number; label: string }> {
  const seg = servicesManager.services.segmentationService.getSegmentation(segmentationId);
  return Object.values(seg?.segments ?? {})
    .filter(Boolean)
    .map((s: any) => ({ index: s.segmentIndex, label: s.label ?? `Segment ${s.segmentIndex}` }))
    .sort((a, b) => a.index - b.index);
}

/**
 * Packs the voxels of segments [lo, hi] into a bit mask for the mesh worker, slice by slice,
 * without a volume-sized copy. Returns the mask and its voxel count.
 */
export function packSegmentMask(ctx: HostContext, series: LoadedSeries, segmentationId: string, lo: number, hi: number): { packed: Uint8Array; voxels: number } {
  const slices = labelmapSlices(ctx, series, segmentationId);
  const stride = packedSliceBytes(series.stack.rows * series.stack.columns);
  const packed = new Uint8Array(stride * slices.length);
  let voxels = 0;
  for (let k = 0; k < slices.length; k++) voxels += packSlice(slices[k], lo, hi, packed, k * stride);
  return { packed, voxels };
}
