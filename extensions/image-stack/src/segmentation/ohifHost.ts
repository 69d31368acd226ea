import { ImageStackError } from '@imagestack/core';
import { SERVICE_NAME } from '../ids';
import type { ImageStackService, LoadedSeries } from '../services/ImageStackService';
import { getCornerstone } from '../utils/cornerstone';
import type { SegmentationHost, SegmentInfo } from '../workflow/segmentationHost';

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

/** Grid viewports currently showing a display set, 2D (stack, MPR) only unless `with3D`. */
export function viewportsShowing({ servicesManager }: HostContext, displaySetInstanceUID: string, { with3D = false } = {}): string[] {
  const ids: string[] = [];
  for (const [id, vp] of servicesManager.services.viewportGridService.getState().viewports) {
    if (!with3D && vp.viewportOptions?.viewportType === 'volume3d') continue;
    if (vp.displaySetInstanceUIDs?.includes(displaySetInstanceUID)) ids.push(id);
  }
  return ids;
}

/** The derived image ids of a labelmap segmentation (Cornerstone keeps them in one of two places). */
export function labelmapImageIds(cornerstoneTools: any, segmentationId: string): string[] {
  const L = cornerstoneTools.segmentation.state.getSegmentation(segmentationId)?.representationData?.Labelmap;
  return L?.imageIds ?? L?.labelmaps?.[L?.primaryLabelmapId]?.imageIds ?? [];
}

/**
 * The labelmap as per-slice arrays in our slice order: Cornerstone keeps one derived image per
 * source slice; each is matched to our slice through the image it was derived from, so the
 * order never depends on how the display set sorted them (DESIGN.md).
 */
function labelmapSlices(ctx: HostContext, series: LoadedSeries, segmentationId: string): Uint8Array[] {
  const { cornerstone, cornerstoneTools } = getCornerstone(ctx.extensionManager);
  const service: ImageStackService = ctx.servicesManager.services[SERVICE_NAME];
  const imageIds = labelmapImageIds(cornerstoneTools, segmentationId);
  const slices: Uint8Array[] = new Array(series.stack.slices);
  for (const id of imageIds) {
    const image = cornerstone.cache.getImage(id);
    const found = image && service.resolveImageId(image.referencedImageId);
    if (found && found.series === series) slices[found.sliceIndex] = image.voxelManager.getScalarData();
  }
  for (let k = 0; k < slices.length; k++) {
    if (!slices[k]) throw new ImageStackError('empty', `the segmentation has no slice ${k + 1} yet: wait until the series has loaded, then try again`);
  }
  return slices;
}

/**
 * The SegmentationHost the workflow functions use in the viewer: OHIF's segmentationService
 * for segments (so OHIF's list and ours are one list), Cornerstone's derived images for voxels.
 */
export function ohifSegmentationHost(ctx: HostContext, series: LoadedSeries): SegmentationHost {
  const { segmentationService, viewportGridService } = ctx.servicesManager.services;
  const segmentsOf = (segmentationId: string) => segmentationService.getSegmentation(segmentationId)?.segments ?? {};
  return {
    findLabelmap() {
      const all = segmentationService.getSegmentations?.() ?? [];
      const ours = all.find((s: any) => s.label?.startsWith?.('ImageStack') && s.representationData?.Labelmap) ?? all.find((s: any) => s.representationData?.Labelmap);
      return ours?.segmentationId;
    },
    async createLabelmap(first: SegmentInfo) {
      const ds = findSeriesDisplaySet(ctx, series);
      if (!ds) throw new ImageStackError('empty', 'the loaded series is not displayed: open it in the viewer first');
      const segmentationId: string = await segmentationService.createLabelmapForDisplaySet(ds, {
        label: 'ImageStack segmentation',
        segments: { [first.index]: { label: first.label, active: true } },
      });
      // 2D viewports only: in a 3D viewport OHIF would add a Surface representation and run
      // its labelmap-to-surface conversion (139 s on software rendering, freezing the page);
      // the 3D view shows our exported surface instead (mesh/previewSurface.ts)
      for (const viewportId of viewportsShowing(ctx, ds.displaySetInstanceUID)) {
        await segmentationService.addSegmentationRepresentation(viewportId, { segmentationId });
      }
      segmentationService.setActiveSegmentation(viewportGridService.getState().activeViewportId, segmentationId);
      return segmentationId;
    },
    segments(segmentationId) {
      return Object.values(segmentsOf(segmentationId))
        .filter(Boolean)
        .map((s: any) => ({ index: s.segmentIndex, label: s.label ?? `Segment ${s.segmentIndex}` }))
        .sort((a, b) => a.index - b.index);
    },
    activeSegment(segmentationId) {
      const active = Object.values(segmentsOf(segmentationId)).find((s: any) => s?.active) as any;
      return active?.segmentIndex;
    },
    addSegment(segmentationId, { index, label }) {
      segmentationService.addSegment(segmentationId, { segmentIndex: index, label, active: true });
    },
    renameSegment(segmentationId, index, label) {
      segmentationService.setSegmentLabel(segmentationId, index, label);
    },
    setActiveSegment(segmentationId, index) {
      segmentationService.setActiveSegment(segmentationId, index);
    },
    slices: segmentationId => labelmapSlices(ctx, series, segmentationId),
    dataModified(segmentationId, sliceIndices, segmentIndex) {
      const { cornerstoneTools } = getCornerstone(ctx.extensionManager);
      cornerstoneTools.segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId, sliceIndices, segmentIndex);
    },
  };
}
