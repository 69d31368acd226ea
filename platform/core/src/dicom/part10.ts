import type * as Dcmjs from 'dcmjs';
import { ImageStackError } from '../errors';
import type { VoxelArray } from '../stack/types';
import { storageBits, type SyntheticCtRecord } from './records';
import { IMAGESTACK_IMPLEMENTATION_CLASS_UID, IMAGESTACK_IMPLEMENTATION_VERSION } from './uids';

// Loaded on first use (~70 ms): the command line's mesh and its threads never write DICOM.
let dcmjsData: typeof Dcmjs.data | undefined;
function dcmjs(): typeof Dcmjs.data {
  return (dcmjsData ??= (require('dcmjs') as typeof Dcmjs).data);
}

/** Explicit VR Little Endian. */
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** (7FE0,0010) Pixel Data, VR OW, explicit VR little endian: tag, VR, 2 reserved bytes, 32-bit length. */
const PIXEL_DATA_ELEMENT_HEADER = 12;

// Typed arrays use the platform's byte order; DICOM here is little endian. Every platform
// ImageStack runs on (x86, ARM in LE mode, WebAssembly) is little endian; refuse otherwise.
function checkLittleEndian(): void {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('writePart10: big-endian platforms are not supported');
}

function checkPixelCount(record: SyntheticCtRecord, pixels: number): void {
  if (pixels !== record.Rows * record.Columns) {
    throw new ImageStackError(
      'mismatch',
      `slice ${record.InstanceNumber} has ${pixels} pixels, its record says ${record.Columns}×${record.Rows}`,
    );
  }
}

/**
 * Everything of a slice's Part-10 file before the pixel values: preamble, file meta, every
 * attribute (written by dcmjs) and Pixel Data's element header (tag, OW, length). Its length
 * is even (every DICOM element's is), so the 16-bit values that follow start 2-byte aligned.
 * The whole file is this then part10PixelBytes (see writePart10).
 * @param record a record from buildSeriesRecords
 */
export function part10Head(record: SyntheticCtRecord): Uint8Array {
  checkLittleEndian();
  const pixelCount = record.Rows * record.Columns;
  const dataset: Record<string, unknown> = { ...record, ...storageBits('export', 16) };
  delete dataset.PixelData;
  const meta = {
    FileMetaInformationVersion: Uint8Array.of(0, 1).buffer,
    MediaStorageSOPClassUID: record.SOPClassUID,
    MediaStorageSOPInstanceUID: record.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMAGESTACK_IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMAGESTACK_IMPLEMENTATION_VERSION,
  };
  const dict = new (dcmjs().DicomDict)(dcmjs().DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs().DicomMetaDictionary.denaturalizeDataset(dataset);
  const dataset10 = new Uint8Array(dict.write());
  const head = new Uint8Array(dataset10.length + PIXEL_DATA_ELEMENT_HEADER);
  head.set(dataset10);
  const view = new DataView(head.buffer, dataset10.length, PIXEL_DATA_ELEMENT_HEADER);
  view.setUint16(0, 0x7fe0, true);
  view.setUint16(2, 0x0010, true);
  view.setUint8(4, 0x4f); // 'O'
  view.setUint8(5, 0x57); // 'W'
  view.setUint16(6, 0, true);
  view.setUint32(8, pixelCount * 2, true);
  return head;
}

/**
 * Pixel Data's value for a slice: its values as 16-bit little-endian bytes, the rest of the
 * file after part10Head. 16-bit voxels are returned as they are (a view of the same memory,
 * no copy); 8-bit voxels are widened into `scratch` (at least as long as the slice; reuse it
 * from file to file: fresh multi-megabyte buffers cost page faults and collections) or, without
 * one, into a new array.
 * @param pixels the slice's voxels, rows × columns, columns fastest (e.g. sliceView(stack, k))
 */
export function part10PixelBytes(pixels: VoxelArray, scratch?: Uint16Array): Uint8Array {
  checkLittleEndian();
  if (pixels instanceof Uint16Array) return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  if (scratch && scratch.length < pixels.length) throw new Error(`part10PixelBytes: scratch holds ${scratch.length} values, the slice has ${pixels.length}`);
  const wide = scratch ? scratch.subarray(0, pixels.length) : new Uint16Array(pixels.length);
  wide.set(pixels);
  return new Uint8Array(wide.buffer, wide.byteOffset, wide.byteLength);
}

/**
 * The parts of one slice's Part-10 file, to be written one after the other (e.g. by one
 * writev): part10Head and part10PixelBytes, the pixel count checked against the record.
 * Their concatenation is writePart10's bytes.
 */
export function part10Parts(record: SyntheticCtRecord, pixels: VoxelArray, scratch?: Uint16Array): [head: Uint8Array, pixelBytes: Uint8Array] {
  checkPixelCount(record, pixels.length);
  return [part10Head(record), part10PixelBytes(pixels, scratch)];
}

/**
 * One DICOM Part-10 file (CT Image Storage, Explicit VR Little Endian) for one slice, in one
 * buffer. The record may come from either storage choice: the file always says 16 bits
 * allocated and stored (the CT IOD), and 8-bit pixels are widened to 16 bits with the same
 * values. dcmjs writes the file meta and every attribute (part10Head); Pixel Data, the last
 * element of any dataset, is appended here straight into the output, widened in one pass
 * (through dcmjs it cost about 55 ms per 1920×1080 slice in copies). Writers to disk that need
 * no single buffer use part10Parts instead.
 * @param record a record from buildSeriesRecords
 * @param pixels the slice's voxels, rows × columns, columns fastest (e.g. sliceView(stack, k))
 */
export function writePart10(record: SyntheticCtRecord, pixels: VoxelArray): Uint8Array {
  checkPixelCount(record, pixels.length);
  const head = part10Head(record);
  const out = new Uint8Array(head.length + pixels.length * 2);
  out.set(head);
  new Uint16Array(out.buffer, head.length, pixels.length).set(pixels);
  return out;
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
  checkElementLengths(bytes, name);
  let parsed;
  try {
    const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
    parsed = dcmjs().DicomMessage.readFile(buffer as ArrayBuffer);
  } catch (e) {
    throw new ImageStackError('corrupt', `not a readable DICOM Part-10 file (${(e as Error).message})`, name);
  }
  let dataset: Record<string, any>;
  let meta: Record<string, any>;
  try {
    // dcmjs trusts the dictionary's VR over the file's: an element whose VR was changed (a
    // PersonName stored as numbers, found by the fuzzer) throws a plain Error here
    dataset = dcmjs().DicomMetaDictionary.naturalizeDataset(parsed.dict);
    meta = dcmjs().DicomMetaDictionary.naturalizeDataset(parsed.meta);
  } catch (e) {
    throw new ImageStackError('corrupt', `has an element dcmjs cannot read (${(e as Error).message})`, name);
  }
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

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'OD', 'OL', 'UC', 'UR', 'OV', 'SV', 'UV']);
const VRS = new Set([...LONG_VRS, 'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST', 'TM', 'UI', 'UL', 'US']);

/**
 * Walk the elements before dcmjs does: it allocates what a value length says (hundreds of
 * MiB for a damaged file, found by the fuzzer), so every length must fit in the file and
 * every explicit VR must be one. Items and sequences are walked into, not over.
 */
function checkElementLengths(b: Uint8Array, name: string): void {
  const n = b.length;
  if (n < 132 || b[128] !== 0x44 || b[129] !== 0x49 || b[130] !== 0x43 || b[131] !== 0x4d) {
    throw new ImageStackError('corrupt', 'not a readable DICOM Part-10 file (no "DICM" after the preamble)', name);
  }
  const u16 = (o: number) => b[o] | (b[o + 1] << 8);
  const u32 = (o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  let implicit = false;
  // Inside encapsulated pixel data (an undefined-length OB/OW): items are fragments, not elements.
  let fragments = false;
  let p = 132;
  /** Where (0002,0000) says the File Meta group ends: dcmjs reads the dataset from there. */
  let metaEnd: number | undefined;
  while (p + 8 <= n) {
    const group = u16(p);
    const element = u16(p + 2);
    if (metaEnd !== undefined && group !== 0x0002) {
      // a group length that disagrees with its elements makes dcmjs start the dataset mid-element
      // and read lengths out of other bytes (a 1 GiB allocation, found by the fuzzer)
      if (p !== metaEnd) {
        throw new ImageStackError('corrupt', `the File Meta group length (0002,0000) says it ends at byte ${metaEnd}, its elements end at byte ${p}: the file is damaged`, name);
      }
      metaEnd = undefined;
    }
    let len: number;
    let head: number;
    let vr = '';
    if (group === 0xfffe || (implicit && group !== 0x0002)) {
      len = u32(p + 4);
      head = 8;
    } else {
      vr = String.fromCharCode(b[p + 4], b[p + 5]);
      if (!VRS.has(vr)) throw new ImageStackError('corrupt', `DICOM element (${group.toString(16).padStart(4, '0')},${element.toString(16).padStart(4, '0')}) at byte ${p} has no valid VR: the file is damaged`, name);
      if (LONG_VRS.has(vr)) {
        if (p + 12 > n) break;
        len = u32(p + 8);
        head = 12;
      } else {
        len = u16(p + 6);
        head = 8;
      }
    }
    const tag = `(${group.toString(16).padStart(4, '0')},${element.toString(16).padStart(4, '0')})`;
    if (len !== 0xffffffff && p + head + len > n) {
      throw new ImageStackError('corrupt', `DICOM element ${tag} at byte ${p} claims ${len} bytes, more than the file holds (${n}): the file is truncated or damaged`, name);
    }
    if (group === 0x0002 && element === 0x0000 && len === 4) metaEnd = p + head + 4 + u32(p + head);
    if (group === 0x0002 && element === 0x0010) {
      const ts = String.fromCharCode(...b.subarray(p + head, p + head + len)).replace(/[\0 ]+$/, '');
      implicit = ts === '1.2.840.10008.1.2';
    }
    if (group === 0xfffe) {
      if (element === 0xe0dd) fragments = false;
      p += fragments && element === 0xe000 ? head + len : head;
      continue;
    }
    if (len === 0xffffffff && vr !== 'SQ' && vr !== '' && vr !== 'UN') fragments = true;
    // Into sequences and items (their contents are elements too); over every other value.
    p += vr === 'SQ' || len === 0xffffffff ? head : head + len;
  }
}
