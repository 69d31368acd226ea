import type { LoadedSeries } from '../services/ImageStackService';
import { findLabelmap, findSeriesDisplaySet, labelmapSlices, listSegments, type HostContext } from '../segmentation/labelmap';
import { getCornerstone } from '../utils/cornerstone';
import type { LabelmapPort } from './segmentationSnapshot';

/** 2D viewports (stack, MPR) showing a display set: a 3D viewport would convert the labelmap to a surface (minutes on software rendering). */
export function viewports2dShowing({ servicesManager }: HostContext, displaySetInstanceUID: string): string[] {
  const ids: string[] = [];
  for (const [id, vp] of servicesManager.services.viewportGridService.getState().viewports) {
    if (vp.viewportOptions?.viewportType === 'volume3d') continue;
    if (vp.displaySetInstanceUIDs?.includes(displaySetInstanceUID)) ids.push(id);
  }
  return ids;
}

/** The labelmap port over OHIF's segmentationService and Cornerstone's derived labelmap images. */
export function ohifLabelmapPort(ctx: HostContext, series: LoadedSeries): LabelmapPort {
  const { segmentationService, viewportGridService } = ctx.servicesManager.services;
  return {
    findLabelmap: () => findLabelmap(ctx, series),
    async createLabelmap(first) {
      const ds = findSeriesDisplaySet(ctx, series);
      if (!ds) throw new Error('the restored series is not displayed yet');
      const segmentationId: string = await segmentationService.createLabelmapForDisplaySet(ds, {
        label: 'ImageStack segmentation',
        segments: { [first.index]: { label: first.label, active: true } },
      });
      for (const viewportId of viewports2dShowing(ctx, ds.displaySetInstanceUID)) {
        await segmentationService.addSegmentationRepresentation(viewportId, { segmentationId });
      }
      segmentationService.setActiveSegmentation(viewportGridService.getState().activeViewportId, segmentationId);
      return segmentationId;
    },
    segments: segmentationId => listSegments(ctx, segmentationId),
    addSegment(segmentationId, { index, label }) {
      segmentationService.addSegment(segmentationId, { segmentIndex: index, label, active: false });
    },
    slices: segmentationId => labelmapSlices(ctx, series, segmentationId),
    dataModified(segmentationId, sliceIndices, segmentIndex) {
      const { cornerstoneTools } = getCornerstone(ctx.extensionManager);
      cornerstoneTools.segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId, sliceIndices, segmentIndex);
    },
  };
}
