import type { ImageStackService } from './services/ImageStackService';

/**
 * Registers the Cornerstone image loader for our scheme on the HOST's Cornerstone. Each image
 * is a view into the stack's one volume: 8-bit stays Uint8Array, so Cornerstone builds an R8
 * texture instead of widening every slice to Float32 (see DESIGN.md, measured).
 */
export function registerImageStackLoader(cornerstone: any, scheme: string, service: ImageStackService): void {
  const { imageLoader, utilities, Enums } = cornerstone;
  imageLoader.registerImageLoader(scheme, (imageId: string) => {
    const promise = (async () => {
      const found = service.resolveImageId(imageId);
      if (!found) throw new Error(`ImageStack: ${imageId} is not loaded in this tab (was the page reloaded?)`);
      const { series, sliceIndex } = found;
      // a streamed load: this slice's voxels and range are final once it has been decoded
      await series.loading?.sliceReady(sliceIndex);
      const scalarData = service.getSliceVoxels(imageId)!;
      // the slice's range as its decode counted it, else one pass over it here
      const ranges = series.sliceRanges;
      let min = Infinity;
      let max = -Infinity;
      if (ranges) {
        min = ranges[2 * sliceIndex];
        max = ranges[2 * sliceIndex + 1];
      } else {
        for (let i = 0; i < scalarData.length; i++) {
          const v = scalarData[i];
          if (v < min) min = v;
          if (v > max) max = v;
        }
      }
      const { rows, columns } = series.stack;
      const record = series.instances[sliceIndex];
      const voxelManager = utilities.VoxelManager.createImageVoxelManager({
        height: rows,
        width: columns,
        numberOfComponents: 1,
        scalarData,
        id: imageId,
      });
      return {
        imageId,
        rows,
        columns,
        height: rows,
        width: columns,
        minPixelValue: min,
        maxPixelValue: max,
        slope: 1,
        intercept: 0,
        windowCenter: record.WindowCenter,
        windowWidth: record.WindowWidth,
        color: false,
        rgba: false,
        numberOfComponents: 1,
        rowPixelSpacing: series.geometry.pixelSpacingYMm,
        columnPixelSpacing: series.geometry.pixelSpacingXMm,
        invert: false,
        sizeInBytes: scalarData.byteLength,
        dataType: scalarData instanceof Uint8Array ? 'Uint8Array' : 'Uint16Array',
        getPixelData: () => voxelManager.getScalarData(),
        voxelManager,
        // without it, progressive retrieval reports "Couldn't decode"
        imageQualityStatus: Enums.ImageQualityStatus.FULL_RESOLUTION,
      };
    })();
    return { promise };
  });
}
