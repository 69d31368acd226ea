import { sliceNormal } from '../geometry/orientation';
import { checkGeometry, pixelSpacingTag, slicePositionMm } from '../geometry/positions';
import type { StackGeometry } from '../geometry/types';
import { toDecimalString } from './decimal';
import type { SeriesUids } from './uids';
import type { VoiWindow } from './window';

/** SOP Class UID of CT Image Storage. */
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

/**
 * How the pixels of a record are stored. 'viewer': 8-bit data says BitsAllocated 8 (what keeps
 * Cornerstone's volume Uint8 / R8, see DESIGN.md), 16-bit data says 16. 'export': always 16
 * bits allocated and stored, as the CT Image IOD requires; 8-bit values are widened, not scaled.
 */
export type DicomStorage = 'viewer' | 'export';

/** What the stack is, without its voxels (a VoxelStack fits). */
export interface SeriesShape {
  columns: number;
  rows: number;
  slices: number;
  bitsStored: 8 | 16;
  /** Slices (indices) interpolated to fill a gap in the numbering: their records say so in ImageComments. */
  filledSlices?: readonly number[];
}

/** Who and what the series is about, as the user typed it. Everything is optional. */
export interface SeriesIdentity {
  patientName?: string;
  /** Without one, each import gets its own ("IMAGESTACK-" + digits of the study UID), so a PACS does not merge unrelated imports into one patient. */
  patientId?: string;
  /** Study and series description, e.g. the folder name. */
  description?: string;
  seriesNumber?: number;
  /** Study / series / content date and time; now when not given. */
  date?: Date;
}

export interface BuildSeriesOptions {
  storage: DicomStorage;
  identity?: SeriesIdentity;
  /**
   * WindowCenter/Width, normally windowFromVoxels(stack.voxels) or windowFromHistogram(h).
   * Without it the whole range of the stored bits is used.
   */
  window?: VoiWindow;
}

/**
 * One synthetic CT instance as a naturalized dcmjs dataset: the same keys OHIF's
 * DicomMetadataStore holds. Empty strings are DICOM type-2 attributes present without a value.
 * Decimal (DS) numbers are already rounded to what fits in a file, so the viewer and the file
 * agree exactly.
 */
export interface SyntheticCtRecord {
  SpecificCharacterSet: 'ISO_IR 192';
  SOPClassUID: typeof CT_IMAGE_STORAGE;
  SOPInstanceUID: string;
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  FrameOfReferenceUID: string;
  ImageType: ['DERIVED', 'SECONDARY', 'AXIAL'];
  Modality: 'CT';
  PatientName: string;
  PatientID: string;
  PatientBirthDate: '';
  PatientSex: '';
  StudyDate: string;
  StudyTime: string;
  SeriesDate: string;
  SeriesTime: string;
  ContentDate: string;
  ContentTime: string;
  StudyID: string;
  AccessionNumber: '';
  ReferringPhysicianName: '';
  StudyDescription: string;
  SeriesDescription: string;
  SeriesNumber: number;
  InstanceNumber: number;
  AcquisitionNumber: '';
  Manufacturer: string;
  ManufacturerModelName: string;
  KVP: '';
  Laterality: '';
  PatientPosition: '';
  PositionReferenceIndicator: '';
  BurnedInAnnotation: 'YES';
  DerivationDescription: string;
  ImageOrientationPatient: [number, number, number, number, number, number];
  ImagePositionPatient: [number, number, number];
  SliceLocation: number;
  PixelSpacing: [number, number];
  SliceThickness: number;
  SpacingBetweenSlices: number;
  SamplesPerPixel: 1;
  PhotometricInterpretation: 'MONOCHROME2';
  Rows: number;
  Columns: number;
  BitsAllocated: 8 | 16;
  BitsStored: 8 | 16;
  HighBit: 7 | 15;
  PixelRepresentation: 0;
  RescaleIntercept: 0;
  RescaleSlope: 1;
  RescaleType: 'US';
  WindowCenter: number;
  WindowWidth: number;
  /** Only on slices no file held: FILLED_SLICE_COMMENT. */
  ImageComments?: string;
}

/** ImageComments of a slice made by interpolation to fill a gap in the numbering. */
export const FILLED_SLICE_COMMENT = 'interpolated from neighbours';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A user's text as one LO/PN value: at most 64 characters, no backslash (the value delimiter)
 * and no control characters, so what the record says is what the file says.
 */
export function dicomText(text: string, maxLength = 64): string {
  return text.replace(/\\/g, '/').replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, maxLength);
}

/** DICOM DA and TM (UTC) of a date. */
export function dicomDateTime(d: Date): { date: string; time: string } {
  return {
    date: `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`,
  };
}

/** Bits allocated / stored / high bit for a storage choice and the data's depth. */
export function storageBits(storage: DicomStorage, bitsStored: 8 | 16): Pick<SyntheticCtRecord, 'BitsAllocated' | 'BitsStored' | 'HighBit'> {
  return storage === 'viewer' && bitsStored === 8
    ? { BitsAllocated: 8, BitsStored: 8, HighBit: 7 }
    : { BitsAllocated: 16, BitsStored: 16, HighBit: 15 };
}

function checkShape(shape: SeriesShape, uids: SeriesUids): void {
  for (const key of ['columns', 'rows', 'slices'] as const) {
    const v = shape[key];
    if (!Number.isInteger(v) || v < 1 || (key !== 'slices' && v > 65535)) {
      throw new Error(`buildSeriesRecords: ${key} must be a whole number 1..65535, got ${v}`);
    }
  }
  if (shape.bitsStored !== 8 && shape.bitsStored !== 16) throw new Error(`buildSeriesRecords: bitsStored must be 8 or 16, got ${shape.bitsStored}`);
  if (uids.sopInstanceUIDs.length !== shape.slices) {
    throw new Error(`buildSeriesRecords: ${uids.sopInstanceUIDs.length} SOP instance UIDs for ${shape.slices} slices`);
  }
}

/**
 * The one record builder: one synthetic CT record per slice, in slice order. What the viewer
 * shows ('viewer') and what is exported ('export') come from here; only the storage bits differ.
 * ImagePositionPatient of slice k = origin + k · sliceSpacing · (rowDir × colDir); PixelSpacing
 * is y\x; InstanceNumber is k + 1.
 */
export function buildSeriesRecords(shape: SeriesShape, geometry: StackGeometry, uids: SeriesUids, options: BuildSeriesOptions): SyntheticCtRecord[] {
  checkGeometry(geometry);
  checkShape(shape, uids);
  const identity = options.identity ?? {};
  const when = dicomDateTime(identity.date ?? new Date());
  const maxValue = shape.bitsStored === 8 ? 255 : 65535;
  const window = options.window ?? { center: (maxValue + 1) / 2, width: maxValue + 1 };
  const normal = sliceNormal(geometry.orientation);
  const description = dicomText(identity.description ?? '') || 'ImageStack import';
  const [spacingY, spacingX] = pixelSpacingTag(geometry);

  const filled = new Set(shape.filledSlices ?? []);
  const records: SyntheticCtRecord[] = [];
  for (let k = 0; k < shape.slices; k++) {
    const p = slicePositionMm(geometry, k);
    records.push({
      SpecificCharacterSet: 'ISO_IR 192',
      SOPClassUID: CT_IMAGE_STORAGE,
      SOPInstanceUID: uids.sopInstanceUIDs[k],
      StudyInstanceUID: uids.studyInstanceUID,
      SeriesInstanceUID: uids.seriesInstanceUID,
      FrameOfReferenceUID: uids.frameOfReferenceUID,
      // Value 3 is required for CT (AXIAL = a cross-section, LOCALIZER = a scout); every
      // slice of a stack is a cross-section whatever its orientation.
      ImageType: ['DERIVED', 'SECONDARY', 'AXIAL'],
      Modality: 'CT',
      PatientName: dicomText(identity.patientName ?? ''),
      PatientID: dicomText(identity.patientId ?? '') || `IMAGESTACK-${uids.studyInstanceUID.slice(-12)}`,
      PatientBirthDate: '',
      PatientSex: '',
      StudyDate: when.date,
      StudyTime: when.time,
      SeriesDate: when.date,
      SeriesTime: when.time,
      ContentDate: when.date,
      ContentTime: when.time,
      StudyID: '1',
      AccessionNumber: '',
      ReferringPhysicianName: '',
      StudyDescription: description,
      SeriesDescription: description,
      SeriesNumber: identity.seriesNumber ?? 1,
      InstanceNumber: k + 1,
      AcquisitionNumber: '',
      Manufacturer: 'ImageStack',
      ManufacturerModelName: 'ImageStack',
      KVP: '',
      // Type 2C, left empty: the body part (and so its laterality) is unknown. dciodvfy warns
      // that empty is only for "unknown", which is the case.
      Laterality: '',
      PatientPosition: '',
      PositionReferenceIndicator: '',
      // Screen captures carry names, dates and rulers in the pixels.
      BurnedInAnnotation: 'YES',
      DerivationDescription: 'Synthetic CT assembled from image slices by ImageStack; geometry entered by the user',
      ImageOrientationPatient: geometry.orientation.map(toDecimalString) as SyntheticCtRecord['ImageOrientationPatient'],
      ImagePositionPatient: p.map(toDecimalString) as SyntheticCtRecord['ImagePositionPatient'],
      SliceLocation: toDecimalString(p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2]),
      PixelSpacing: [toDecimalString(spacingY), toDecimalString(spacingX)],
      SliceThickness: toDecimalString(geometry.sliceSpacingMm),
      // Not part of the CT IOD (dciodvfy may note it); kept because viewers and converters
      // read it as the slice spacing when thickness and spacing differ.
      SpacingBetweenSlices: toDecimalString(geometry.sliceSpacingMm),
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      Rows: shape.rows,
      Columns: shape.columns,
      ...storageBits(options.storage, shape.bitsStored),
      PixelRepresentation: 0,
      RescaleIntercept: 0,
      RescaleSlope: 1,
      // US = unspecified: the values are grey levels of a picture, not Hounsfield units.
      // dciodvfy warns that CT's defined term is HU; claiming HU would be false.
      RescaleType: 'US',
      WindowCenter: toDecimalString(window.center),
      WindowWidth: toDecimalString(window.width),
      ...(filled.has(k) ? { ImageComments: FILLED_SLICE_COMMENT } : {}),
    });
  }
  return records;
}
