#!/usr/bin/python3
"""Reference decodes for the conformance test (conformance.test.ts), one process for all files.

usage: reference.py OUT_DIR < list of "key<TAB>path" lines

For each file writes OUT_DIR/key.json ({"ok", "pages": [{"width", "height", "channels",
"dtype", "palette", "via"}], "error", "mode"}) and OUT_DIR/key.N.raw (page N's samples,
interleaved, native byte order). Decoders:
  - Pillow (Debian python3-pil) for everything it represents exactly: modes 1, L, LA, P, PA,
    RGB, RGBA, I;16*, I, F. JPEG is decoded by Pillow's libjpeg-turbo (ISLOW IDCT, fancy
    upsampling). The caller sets JSIMD_FORCENONE=1: libjpeg-turbo's SIMD and C paths agree on
    every valid JPEG but not on out-of-range coefficients of damaged scans (hopper_bad_exif.jpg:
    6895 pixels), and our decoder is libjpeg-turbo's C path compiled to WebAssembly.
  - ImageMagick (Debian imagemagick, `convert`) where Pillow drops precision: 16-bit colour
    PNG and TIFF, 16-bit grey+alpha PNG (Pillow keeps only the high byte).
JPEG frames are turned upright by their EXIF orientation (ImageOps.exif_transpose).
Errors are recorded, not raised: a file Pillow refuses has ok=false.
"""
import json
import os
import subprocess
import sys
import warnings

import numpy as np
from PIL import Image, ImageFile, ImageOps

warnings.simplefilter("ignore")
ImageFile.LOAD_TRUNCATED_IMAGES = False
# Pillow refuses images over twice this (2^28 pixels, our DEFAULT_MAX_PIXELS) instead of
# allocating for a lying header (reallybig.bmp).
Image.MAX_IMAGE_PIXELS = 2**27

CONVERT = "/usr/bin/convert"


def png_depth_colour(path):
    with open(path, "rb") as f:
        head = f.read(33)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return head[24], head[25]


def tiff_bits_spp(im):
    tags = getattr(im, "tag_v2", {})
    bits = tags.get(258, (1,))
    bits = bits[0] if isinstance(bits, tuple) else bits
    return bits, tags.get(277, 1), tags.get(262, None)


def magick(path, page, channels, width, height, depth=16):
    fmt = {1: "gray", 2: "graya", 3: "rgb", 4: "rgba"}[channels]
    raw = subprocess.run(
        [CONVERT, f"{path}[{page}]", "-set", "colorspace", "sRGB", "-depth", str(depth), "-endian", "LSB", f"{fmt}:-"],
        check=True, capture_output=True, timeout=60,
    ).stdout
    arr = np.frombuffer(raw, dtype="<u2" if depth == 16 else "u1")
    if arr.size != width * height * channels:
        raise ValueError(f"ImageMagick gave {arr.size} samples, expected {width * height * channels}")
    return arr.astype(np.uint16 if depth == 16 else np.uint8)


def magick16(path, page, channels, width, height):
    return magick(path, page, channels, width, height, 16)


def bmp_needs_magick(path):
    with open(path, "rb") as f:
        head = f.read(34)
    if len(head) < 34 or int.from_bytes(head[14:18], "little") < 40:
        return False
    bits = int.from_bytes(head[28:30], "little")
    compression = int.from_bytes(head[30:34], "little")
    return compression in (1, 2, 3, 6) or bits == 16


def page_samples(im, path, fmt, page):
    """(array, channels, palette, via) for the current frame."""
    mode = im.mode
    w, h = im.size
    if fmt == "PNG":
        dc = png_depth_colour(path)
        if dc and dc[0] == 16 and dc[1] in (2, 4, 6):
            ch = {2: 3, 4: 2, 6: 4}[dc[1]]
            return magick16(path, page, ch, w, h), ch, False, "imagemagick"
    if fmt == "BMP" and bmp_needs_magick(path):
        # Pillow 9.4's BMP reader is no reference for RLE and bitfields: its RLE decoder reads
        # a delta's two bytes twice, drops the last pixel of odd RLE4 absolute runs and pads
        # by file position; it widens 5/6-bit channels by truncating v*255/31 (ImageMagick and
        # the format's own renderers replicate bits). ImageMagick's reader is used there, at
        # Pillow's channel count. (Elsewhere Pillow is right where ImageMagick is not: the
        # palette of an OS/2 2.x header, pal8os2v2.bmp.)
        ch = {"1": 1, "L": 1, "P": 3, "RGB": 3, "RGBX": 3, "RGBA": 4}.get(mode, 3)
        return magick(path, page, ch, w, h, 8), ch, mode == "P", "imagemagick"
    if fmt == "TIFF":
        bits, spp, photometric = tiff_bits_spp(im)
        if mode in ("P", "PA"):
            # 16-bit colormap entries to 8 bits: Pillow takes the high byte, libtiff's RGBA
            # interface and ImageMagick v*255/65535; we do as the latter.
            return magick(path, page, 3, w, h, 8), 3, True, "imagemagick"
        if bits == 16 and spp == 4 and tuple(im.tag_v2.get(338, ())) == (1,):
            # Associated (premultiplied) alpha: divided out (as Pillow does at 8 bits).
            return magick16(path, page, 4, w, h), 4, False, "imagemagick"
        if bits == 16 and spp >= 2 and mode not in ("I;16", "I;16B", "I;16L", "I"):
            return magick16(path, page, spp, w, h), spp, False, "imagemagick"
    if mode == "1":
        return np.asarray(im.convert("L")), 1, False, "pillow"
    if mode in ("P", "PA"):
        # Values as stored: the palette expanded, transparency (tRNS) ignored.
        return np.asarray(im.convert("RGB")), 3, True, "pillow"
    if mode in ("L", "LA", "RGB", "RGBA"):
        return np.asarray(im), len(mode), False, "pillow"
    if mode == "RGBX":
        return np.asarray(im.convert("RGB")), 3, False, "pillow"
    if mode.startswith("I;16"):
        return np.asarray(im).astype(np.uint16), 1, False, "pillow"
    if mode == "I":
        return np.asarray(im).astype(np.int32), 1, False, "pillow"
    if mode == "F":
        return np.asarray(im).astype(np.float32), 1, False, "pillow"
    raise ValueError(f"Pillow mode {mode} has no reference here")


def reference(path):
    try:
        im = Image.open(path)
    except Exception:
        with open(path, "rb") as f:
            if f.read(2) != b"BM":
                raise
        # BMP layouts Pillow refuses (e.g. 32-bit bitfields in a v3 header): ImageMagick alone.
        w, h = (int(v) for v in subprocess.run([CONVERT, path, "-format", "%w %h", "info:"], check=True, capture_output=True, timeout=60).stdout.split())
        arr = magick(path, 0, 3, w, h, 8)
        return {"ok": True, "format": "BMP", "pages": [{"width": w, "height": h, "channels": 3, "dtype": "uint8", "palette": False, "via": "imagemagick-only", "mode": "?"}]}, [arr]
    fmt = im.format
    pages = []
    n = getattr(im, "n_frames", 1) if fmt == "TIFF" else 1
    arrays = []
    for k in range(n):
        if k:
            im.seek(k)
        im.load()
        if fmt == "JPEG":
            # EXIF orientation applied, as our decoder does (and as browsers do for <img>).
            im = ImageOps.exif_transpose(im)
        arr, ch, pal, via = page_samples(im, path, fmt, k)
        w, h = im.size
        arr = np.ascontiguousarray(arr).reshape(-1)
        pages.append({"width": w, "height": h, "channels": ch, "dtype": str(arr.dtype), "palette": pal, "via": via, "mode": im.mode})
        arrays.append(arr)
    return {"ok": True, "format": fmt, "pages": pages}, arrays


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        key, path = line.split("\t", 1)
        try:
            meta, arrays = reference(path)
            for k, arr in enumerate(arrays):
                arr.tofile(os.path.join(out, f"{key}.{k}.raw"))
        except Exception as e:  # noqa: BLE001 (every failure is a recorded outcome)
            meta = {"ok": False, "error": f"{type(e).__name__}: {e}"[:300]}
        with open(os.path.join(out, f"{key}.json"), "w") as f:
            json.dump(meta, f)
    print("done")


if __name__ == "__main__":
    main()
