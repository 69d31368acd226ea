export * from './types';
export { decodeImage, probeImage, type ProbeOptions } from './decodeImage';
export { sniffFormat, describeNonImage, IMAGE_EXTENSIONS } from './sniff';
export { DEFAULT_MAX_PIXELS, checkImageSize } from './limits';
export { decodeBmp, probeBmp, readBmpHeader, type BmpHeader } from './bmp';
export { openTiff, type TiffFile } from './tiff';
export { prepareJpegDecoder, setJpegWasmSource } from './jpegTurbo';
export { probePng, decodePng } from './png';
