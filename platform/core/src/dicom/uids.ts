/**
 * DICOM UIDs in the 2.25 arc (ISO/IEC 9834-8): "2.25." + the 128 bits of a random UUID as a
 * decimal integer, at most 44 characters. No organisation root is needed and collisions are
 * as unlikely as UUID collisions.
 */
export function uidFromUuid(uuid: string): string {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`uidFromUuid: not a UUID: ${uuid}`);
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}

/** A fresh random 2.25 UID (crypto.randomUUID: Node ≥ 19, browsers and workers in secure contexts). */
export function newUid(): string {
  return uidFromUuid(globalThis.crypto.randomUUID());
}

/** Every UID of one imported series. Generated once per import and kept with the stack. */
export interface SeriesUids {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  frameOfReferenceUID: string;
  /** One per slice, in slice order. */
  sopInstanceUIDs: string[];
}

/** New UIDs for a series of `slices` instances. */
export function createSeriesUids(slices: number): SeriesUids {
  return {
    studyInstanceUID: newUid(),
    seriesInstanceUID: newUid(),
    frameOfReferenceUID: newUid(),
    sopInstanceUIDs: Array.from({ length: slices }, newUid),
  };
}

/** ImplementationClassUID of files ImageStack writes (a fixed 2.25 UID for this implementation). */
export const IMAGESTACK_IMPLEMENTATION_CLASS_UID = '2.25.31283611873336025446909395795392726703';
/** ImplementationVersionName (SH, at most 16 characters). */
export const IMAGESTACK_IMPLEMENTATION_VERSION = 'IMAGESTACK_0_1';
