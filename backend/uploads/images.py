"""Pure image handling: detect the real type, refuse bombs, re-encode without any metadata."""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as DecodeTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp", "HEIF": "heic"}
DISPLAY_MAX_PX = 1600
THUMB_MAX_PX = 400
# 40 megapixels: more than any phone camera, far below what would exhaust memory when decoded.
MAX_PIXELS = 40_000_000
# Each side and the shape are capped too: a 74 KB PNG of 1 x 39,000,000 pixels is under MAX_PIXELS but took
# 2.26 GB and 21 s to decode and resize. Phones take at most ~8,200 px a side; panoramas ~8:1.
MAX_SIDE = 10_000
MAX_ASPECT_RATIO = 12
JPEG_QUALITY = 82
# Pillow's own guard, for any code path that opens an image: refuse rather than warn above our budget.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageRefused(Exception):
    """The bytes are not an image we accept; `code` is the API error code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self):  # raised in a decoding process, re-raised in the web worker
        return (ImageRefused, (self.code, self.message))


@dataclass(frozen=True)
class ProcessedImage:
    source_format: str
    width: int
    height: int
    display: bytes
    thumb: bytes


def _open(data: bytes) -> Image.Image:
    # Warnings become errors so that Pillow's own bomb guard (a warning above MAX_IMAGE_PIXELS) refuses too.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused("upload.upload_invalid", "image dimensions are too large") from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ImageRefused("upload.upload_invalid", "not an image") from None
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRefused("upload.upload_unsupported_type", f"{image.format} images are not accepted")
    # Checked from the header, before a single pixel is decoded: what the decode would cost is known here.
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ImageRefused("upload.upload_invalid", "image dimensions are too large")
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ImageRefused("upload.upload_invalid", "the image is too long and thin")
    if getattr(image, "is_animated", False):  # animated PNG, WebP: every frame would be decoded
        raise ImageRefused("upload.upload_invalid", "animated images are not accepted")
    if getattr(image, "n_frames", 1) > 1:  # a still image with several frames (HEIF burst): the first only
        image.seek(0)
    # JPEG decodes straight at 1/2, 1/4 or 1/8 scale when that still covers the display size: a 40 MP photo
    # costs a fraction of its full-size memory (a no-op for other formats).
    image.draft("RGB", (DISPLAY_MAX_PX, DISPLAY_MAX_PX))
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no alpha, and palette or 16-bit modes would not encode."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image, max_px: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh image carries no info dict: no EXIF (GPS!), XMP, ICC or comments are written.
    copy.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


# At most this many images are decoded at once in a process (gthread workers run several requests): the
# memory a worker can spend on photos is bounded by DECODE_SLOTS x the pixel budget, whatever arrives.
DECODE_SLOTS = 2
_decode_slots = threading.BoundedSemaphore(DECODE_SLOTS)
# The decode itself runs off the request path, in a pool of DECODE_SLOTS separate processes, each allowed
# DECODE_MEMORY_BYTES of address space beyond what it holds once started and DECODE_SECONDS per image: an
# image that slips past the header checks and would cost more is refused, and the web worker never grows.
DECODE_MEMORY_BYTES = 1 << 30
DECODE_SECONDS = 30
_pool: ProcessPoolExecutor | None = None
_pool_owner: int | None = None
_pool_lock = threading.Lock()


def process(data: bytes) -> ProcessedImage:
    """Validate `data` by its content and return display and thumbnail JPEGs without metadata (the header is
    checked at once; the decode waits for one of DECODE_SLOTS and runs in a decoding process).

    :raises ImageRefused: ``upload.upload_invalid`` (not an image, corrupt, too many pixels, more memory or
        time than a decode may take), ``upload.upload_unsupported_type`` (an image of another format)
    """
    _open(data)  # refuse what the header already condemns without waiting for a slot
    with _decode_slots:
        return _decode_elsewhere(data)


def _limit_memory(budget: int) -> None:
    """Initializer of a decoding process: its address space may grow by `budget` beyond its size now."""
    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (size + budget, size + budget))


def _decoder_pool() -> ProcessPoolExecutor:
    global _pool, _pool_owner
    with _pool_lock:
        if _pool is None or _pool_owner != os.getpid():  # a forked gunicorn worker starts its own pool
            # spawn, not fork: a web worker has threads (gthread) and open database connections
            _pool = ProcessPoolExecutor(
                max_workers=DECODE_SLOTS,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_limit_memory,
                initargs=(DECODE_MEMORY_BYTES,),
            )
            _pool_owner = os.getpid()
        return _pool


def discard_decoders(pool: ProcessPoolExecutor | None = None) -> None:
    """Stop the decoding processes (a decode over its time, a process killed by its memory limit); the next
    upload starts fresh ones."""
    global _pool
    with _pool_lock:
        pool = pool or _pool
        if pool is None:
            return
        if _pool is pool:
            _pool = None
    for child in list((getattr(pool, "_processes", None) or {}).values()):
        child.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _decode_elsewhere(data: bytes) -> ProcessedImage:
    pool = _decoder_pool()
    try:
        return pool.submit(_process, data).result(timeout=DECODE_SECONDS)
    except DecodeTimeout:
        discard_decoders(pool)
        raise ImageRefused("upload.upload_invalid", "the image takes too long to read") from None
    except (MemoryError, BrokenProcessPool):
        discard_decoders(pool)
        raise ImageRefused("upload.upload_invalid", "the image needs too much memory to read") from None


def _process(data: bytes) -> ProcessedImage:
    image = _open(data)
    source_format = ACCEPTED_FORMATS[image.format]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            # Phones store portrait photos sideways plus an orientation tag; bake it in before dropping EXIF.
            upright = ImageOps.exif_transpose(image)
            pixels = _flatten(upright)
            clean = Image.new("RGB", pixels.size)
            clean.paste(pixels)
    except ImageRefused:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused("upload.upload_invalid", "the image is damaged") from None
    return ProcessedImage(
        source_format=source_format,
        width=clean.width,
        height=clean.height,
        display=_encode(clean, DISPLAY_MAX_PX),
        thumb=_encode(clean, THUMB_MAX_PX),
    )
