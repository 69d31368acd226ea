import { SERVICE_NAME } from '../ids';
import { previewSurfaceIn3D, setPreviewVisible } from '../mesh/previewSurface';
import type { ImageStackService } from '../services/ImageStackService';
import { getCornerstone } from '../utils/cornerstone';
import { labelmapImageIds, type HostContext } from './ohifHost';

/**
 * One surface in 3D for our series: the one the export wrote. OHIF adds a Surface
 * representation of a labelmap to every 3D viewport (on a layout change too) and converts the
 * labelmap to a blocky surface for it — 139 s on software rendering, freezing the page, and not
 * the smoothed surface the user prints. For segmentations of our series that one call is
 * declined in 3D viewports and the last exported surface is shown there instead; its visibility
 * follows the segment's visibility in OHIF's list. Other series are left to OHIF.
 * Returns the function that undoes all of it (onModeExit).
 */
export function keepOneSurfaceIn3D(ctx: HostContext): () => void {
  const { segmentationService } = ctx.servicesManager.services;
  const service: ImageStackService = ctx.servicesManager.services[SERVICE_NAME];
  const { cornerstone, cornerstoneTools } = getCornerstone(ctx.extensionManager);

  const isOurs = (segmentationId: string) => {
    const first = labelmapImageIds(cornerstoneTools, segmentationId)[0];
    const image = first && cornerstone.cache.getImage(first);
    return !!(image && service.resolveImageId(image.referencedImageId));
  };
  const is3D = (viewportId: string) => cornerstone.getEnabledElementByViewportId?.(viewportId)?.viewport?.type === 'volume3d';

  const original = segmentationService.addSegmentationRepresentation;
  segmentationService.addSegmentationRepresentation = async function (viewportId: string, options: { segmentationId: string }) {
    if (is3D(viewportId) && isOurs(options.segmentationId)) {
      const last = service.latest()?.lastSurface;
      if (last) await previewSurfaceIn3D(ctx.extensionManager, last.stl, last.fileName).catch(e => console.warn('[imagestack] 3D preview failed', e));
      return;
    }
    return original.call(this, viewportId, options);
  };

  // the segment's eye in OHIF's list hides and shows our surface
  const sub = segmentationService.subscribe(segmentationService.EVENTS.SEGMENTATION_REPRESENTATION_MODIFIED, () => {
    const last = service.latest()?.lastSurface;
    if (!last || last.segmentIndex === undefined) return;
    const viewport2D = (cornerstone.getRenderingEngines?.() ?? []).flatMap((re: any) => re.getViewports()).find((v: any) => v.type !== 'volume3d');
    if (!viewport2D) return;
    const visible = cornerstoneTools.segmentation.config.visibility.getSegmentIndexVisibility(viewport2D.id, { segmentationId: last.segmentationId, type: 'Labelmap' }, last.segmentIndex);
    setPreviewVisible(ctx.extensionManager, visible !== false);
  });

  return () => {
    segmentationService.addSegmentationRepresentation = original;
    sub.unsubscribe();
  };
}
