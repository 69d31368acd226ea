// The small part of dcmjs 0.51 (which ships no types) that ImageStack uses. Kept to what
// part10.ts calls, so a dcmjs upgrade that changes these shows up in the type check there.
declare module 'dcmjs' {
  type Dataset = Record<string, unknown>;
  interface DicomDictInstance {
    meta: Dataset;
    dict: Dataset;
    write(options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): ArrayBuffer;
  }
  export const data: {
    DicomDict: new (meta: Dataset) => DicomDictInstance;
    DicomMessage: { readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DicomDictInstance };
    DicomMetaDictionary: {
      denaturalizeDataset(dataset: Dataset): Dataset;
      naturalizeDataset(dataset: Dataset): Dataset;
    };
  };
  export const log: { setLevel(level: string): void; getLevel(): number };
}
