import { data as dcmjsData } from 'dcmjs';
import { ImageStackError } from '../errors';
import type { VoxelArray } from '../stack/types';
import { storageBits, type SyntheticCtRecord } from './records';
import { IMAGESTACK_IMPLEMENTATION_CLASS_UID, IMAGESTACK_IMPLEMENTATION_VERSION } from './uids';

const { DicomDict, DicomMessage, DicomMetaDictionary } = dcmjsData;

/** Explicit VR Little Endian. */
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** Pixels of one slice as 16-bit little-endian values in a buffer of their own. */
function widenTo16(pixels: VoxelArray): ArrayBuffer {
  const out = new Uint16Array(pixels.length);
  out.set(pixels);
  // Typed arrays use the platform's byte order; DICOM here is little endian. Every platform
  // ImageStack runs on (x86, ARM in LE mode, WebAssembly) is little endian; refuse otherwise.
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('writePart10: big-endian platforms are not supported');
  return out.buffer;
}

/**
 * One DICOM Part-10 file (CT Image Storage, Explicit VR Little Endian) for one slice. The
 * record may come from either storage choice: the file always says 16 bits allocated and
 * stored (the CT IOD), and 8-bit pixels are widened to 16 bits with the same values.
 * @param record a record from buildSeriesRecords
 * @param pixels the slice's voxels, rows × columns, columns fastest (e.g. sliceView(stack, k))
 */
export function writePart10(record: SyntheticCtRecord, pixels: VoxelArray): Uint8Array {
  if (pixels.length !== record.Rows * record.Columns) {
    throw new ImageStackError(
      'mismatch',
      `slice ${record.InstanceNumber} has ${pixels.length} pixels, its record says ${record.Columns}×${record.Rows}`,
    );
  }
  const dataset: Record<string, unknown> = {
    ...record,
    ...storageBits('export', 16),
    PixelData: [widenTo16(pixels)],
    _vrMap: { PixelData: 'OW' },
  };
  const meta = {
    FileMetaInformationVersion: Uint8Array.of(0, 1).buffer,
    MediaStorageSOPClassUID: record.SOPClassUID,
    MediaStorageSOPInstanceUID: record.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMAGESTACK_IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMAGESTACK_IMPLEMENTATION_VERSION,
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

/** A Part-10 file read back: its naturalized dataset (without PixelData), file meta and pixels. */
export interface Part10Contents {
  dataset: Record<string, unknown>;
  meta: Record<string, unknown>;
  /** Uint16Array for 16 bits allocated, Uint8Array for 8. */
  pixels: VoxelArray;
}

/**
 * Reads an uncompressed single-frame grey Part-10 file (as writePart10 makes them).
 * @param name the file as the user named it, for error messages
 */
export function readPart10(bytes: Uint8Array, name = 'DICOM file'): Part10Contents {
  let parsed;
  try {
    const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
    parsed = DicomMessage.readFile(buffer as ArrayBuffer);
  } catch (e) {
    throw new ImageStackError('corrupt', `not a readable DICOM Part-10 file (${(e as Error).message})`, name);
  }
  const dataset = DicomMetaDictionary.naturalizeDataset(parsed.dict);
  const meta = DicomMetaDictionary.naturalizeDataset(parsed.meta);
  const ts = meta.TransferSyntaxUID;
  if (ts !== EXPLICIT_VR_LITTLE_ENDIAN && ts !== '1.2.840.10008.1.2') {
    throw new ImageStackError('unsupported-format', `transfer syntax ${String(ts)} is compressed or big endian; only uncompressed little endian is read`, name);
  }
  const frames = dataset.PixelData as ArrayBuffer[] | undefined;
  if (!frames || !frames[0]) throw new ImageStackError('corrupt', 'has no pixel data', name);
  const bits = dataset.BitsAllocated;
  const pixels = bits === 8 ? new Uint8Array(frames[0]) : bits === 16 ? new Uint16Array(frames[0]) : undefined;
  if (!pixels) throw new ImageStackError('unsupported-format', `has ${String(bits)} bits allocated; only 8 or 16 are read`, name);
  delete dataset.PixelData;
  delete dataset._vrMap;
  return { dataset, meta, pixels };
}
