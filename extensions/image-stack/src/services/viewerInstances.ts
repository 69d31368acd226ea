import type { StackGeometry, VoxelStack } from '@imagestack/core';
import { pixelSpacingTag, slicePositionMm } from '@imagestack/core';

/** A naturalized DICOM record as OHIF's DicomMetadataStore holds it, plus the image id. */
export type ViewerInstance = Record<string, any> & {
  imageId: string;
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  SOPInstanceUID: string;
};

/** A 2.25 UID from a random UUID (the form DICOM allows without a registered root). */
function uuidUid(): string {
  const hex = crypto.randomUUID().replace(/-/g, '');
  return `2.25.${BigInt(`0x${hex}`).toString()}`;
}

/**
 * The records the viewer shows for a stack (interim: replaced by core's record builder once
 * platform/core/src/dicom lands, so the viewed and exported records come from one place).
 */
export function buildViewerInstances({
  stack,
  geometry,
  description,
  imageIds,
}: {
  stack: VoxelStack;
  geometry: StackGeometry;
  description: string;
  imageIds: string[];
}): ViewerInstance[] {
  const StudyInstanceUID = uuidUid();
  const SeriesInstanceUID = uuidUid();
  const FrameOfReferenceUID = uuidUid();
  const bits = stack.bitsStored === 8 ? { BitsAllocated: 8, BitsStored: 8, HighBit: 7 } : { BitsAllocated: 16, BitsStored: 16, HighBit: 15 };
  const max = stack.bitsStored === 8 ? 255 : 65535;
  return imageIds.map((imageId, k) => ({
    imageId,
    url: imageId,
    StudyInstanceUID,
    SeriesInstanceUID,
    SOPInstanceUID: uuidUid(),
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    Modality: 'CT',
    ImageType: ['DERIVED', 'SECONDARY'],
    BurnedInAnnotation: 'YES',
    PatientName: 'ImageStack^Import',
    PatientID: 'IMAGESTACK',
    StudyDate: new Date().toISOString().slice(0, 10).replace(/-/g, ''),
    StudyTime: '000000',
    StudyDescription: 'Image stack import',
    SeriesDescription: description,
    SeriesNumber: 1,
    InstanceNumber: k + 1,
    FrameOfReferenceUID,
    Rows: stack.rows,
    Columns: stack.columns,
    NumberOfFrames: 1,
    PixelSpacing: pixelSpacingTag(geometry),
    SliceThickness: geometry.sliceSpacingMm,
    SpacingBetweenSlices: geometry.sliceSpacingMm,
    ImageOrientationPatient: [...geometry.orientation],
    ImagePositionPatient: slicePositionMm(geometry, k),
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    ...bits,
    PixelRepresentation: 0,
    RescaleSlope: 1,
    RescaleIntercept: 0,
    RescaleType: 'US',
    WindowCenter: (max + 1) / 2,
    WindowWidth: max + 1,
  }));
}
