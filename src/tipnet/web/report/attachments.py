"""Attachments: images re-encoded in memory (which drops GPS and device metadata), other files
refused unless the reporter asks to keep them as given. Nothing touches the disk.

Every image format Pillow is allowed to open here (``PHOTO_FORMATS``) is cleaned; no image in
one of these formats is ever stored as given, even when the reporter ticks "keep my other files
as they are" (finding 15 of issue 10: WebP and TIFF used to slip through with their GPS tags).
Images with several frames or pages (animated GIF/WebP, multi-page TIFF) are refused: re-encoding
only the first would silently drop evidence, and keeping them as given would keep their metadata.

Decoding is the expensive part (finding 6: a 131 KB PNG of 6,300 x 6,300 pixels cost 886 MiB),
so the size is checked from the header before any pixel is decoded, each image is decoded once,
and at most ``DECODES_AT_ONCE`` images decode at the same time in a worker process.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_FILES = 5
# Pixels decoded per image. The iPhone 15 and 16 main cameras save 24 MP by default (5712 x 4284 =
# 24.5 MP); Android phones save 12 to 12.5 MP by default (4000 x 3000, 4080 x 3072); a screenshot is
# 3 to 4 MP and a long scrolling one (1290 x 19,000) still fits. 25 MP costs at most 75 MB as RGB
# (100 MB with transparency) once decoded, and at most twice that while the image is turned upright.
MAX_PIXELS = 25_000_000
# A JPEG up to this size (the 48 and 50 MP modes of phone cameras) is decoded at half the width and
# height (JPEG "draft" mode: libjpeg scales while decoding, the full image is never in memory), which
# brings it under MAX_PIXELS. Progressive JPEGs are not scaled this way (libjpeg keeps every
# coefficient of a progressive image in memory whatever the scale); phone cameras write baseline.
MAX_JPEG_SOURCE_PIXELS = 4 * MAX_PIXELS
# Images decoded at once per worker process (gunicorn runs several threads in each).
DECODES_AT_ONCE = 1
DECODE_WAIT_SECONDS = 30
# The formats opened as images; every one is re-encoded (cleaned). HEIF is what pillow_heif names
# HEIC/HEIF. A phone JPEG that carries a second picture (a depth map or a preview) opens as "MPO":
# only its main picture is kept.
PHOTO_FORMATS = ("JPEG", "PNG", "HEIF", "AVIF", "WEBP", "TIFF", "GIF", "BMP")
# What the browser is told before sending (tipnet/forms.js warns about files these would refuse).
# Browsers give HEIC files an empty type on some systems, so the name's extension counts too; the
# server decides from the file's contents alone.
PHOTO_EXTENSIONS = ("jpg", "jpeg", "jfif", "png", "heic", "heif", "avif", "webp", "tif", "tiff", "gif", "bmp")
PHOTO_MIME_TYPES = ("image/jpeg", "image/png", "image/heic", "image/heif", "image/avif", "image/webp", "image/tiff",
                    "image/gif", "image/bmp")
# Sources without loss are kept without loss (screenshots, scans); photos become JPEG.
LOSSLESS_SOURCES = {"PNG", "TIFF", "GIF", "BMP"}

_decoding = threading.BoundedSemaphore(DECODES_AT_ONCE)


class AttachmentError(ValueError):
    """A file that cannot be accepted; the message is translated."""


class AttachmentBusy(AttachmentError):
    """Not the file's fault: the server is decoding other images. The whole send is refused (and
    says "nothing was stored"), rather than sending the report without a good photo."""


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    content_type: str
    kind: str  # "image" (re-encoded) or "as_given"


def client_limits(*, total_bytes: int) -> dict[str, str]:
    """The limits above as data- attributes of the file field, so the warning shown before sending
    (tipnet/forms.js) and the server refuse the same files. ``total_bytes``: what one request may
    carry (settings.FILE_UPLOAD_MAX_MEMORY_SIZE)."""
    return {
        "data-max-file-bytes": str(MAX_FILE_BYTES),
        "data-max-files": str(MAX_FILES),
        "data-max-total-bytes": str(total_bytes),
        "data-photo-extensions": " ".join(PHOTO_EXTENSIONS),
        "data-photo-types": " ".join(PHOTO_MIME_TYPES),
    }


def _photos_only() -> str:
    return _("Only photos (JPEG, PNG, HEIC, WebP, TIFF, GIF, BMP) are accepted. "
             "To send another kind of file, tick 'Keep my other files as they are'.")


def _too_large() -> AttachmentError:
    return AttachmentError(_("An image is too large. Please send a photo of at most %(mp)s megapixels.")
                           % {"mp": MAX_PIXELS // 1_000_000})


def clean_attachment(*, data: bytes, keep_as_given: bool) -> CleanFile:
    if len(data) > MAX_FILE_BYTES:
        raise AttachmentError(_("A file is larger than %(max)s MB.") % {"max": MAX_FILE_BYTES // (1024 * 1024)})
    if not data:
        raise AttachmentError(_("A file is empty."))
    try:
        image = Image.open(io.BytesIO(data), formats=PHOTO_FORMATS)
    except Image.DecompressionBombError as error:  # Pillow's own ceiling, far above ours
        raise _too_large() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        # Not an image in any format we can clean: a document, a video, an archive...
        if keep_as_given:
            return CleanFile(data, "application/octet-stream", "as_given")
        raise AttachmentError(_photos_only()) from error
    # From here on the file is an image: it is cleaned or refused, never kept as given.
    try:
        with image:
            return _reencode(image)
    except AttachmentError:
        raise
    except (OSError, Image.DecompressionBombError, SyntaxError, ValueError, EOFError, MemoryError) as error:
        raise AttachmentError(_("A photo could not be read. It may be damaged; please try another copy.")) from error


def _reencode(image: Image.Image) -> CleanFile:
    """Decode ``image`` once and write its pixels alone as PNG or JPEG."""
    source = image.format or ""
    if source != "MPO" and getattr(image, "n_frames", 1) > 1:
        raise AttachmentError(_("An image with several pages or frames cannot be cleaned. "
                                "Please send each page or picture as a separate photo."))
    too_large = _too_large()
    if image.width * image.height > MAX_PIXELS:
        progressive = image.info.get("progressive") or image.info.get("progression")
        if source not in ("JPEG", "MPO") or progressive or image.width * image.height > MAX_JPEG_SOURCE_PIXELS:
            raise too_large
        scale = next((s for s in (2, 4, 8) if (image.width // s) * (image.height // s) <= MAX_PIXELS), 8)
        image.draft("RGB" if image.mode == "RGB" else None, (image.width // scale, image.height // scale))
        if image.width * image.height > MAX_PIXELS:
            raise too_large
    if not _decoding.acquire(timeout=DECODE_WAIT_SECONDS):
        raise AttachmentBusy(_("The server is busy. Please wait a minute and send again; nothing was stored."))
    try:
        image.load()  # the one decode
        # Read after loading: Pillow's TIFF reader turns the image upright itself while loading.
        orientation = image.getexif().get(0x0112, 1)
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode in ("P", "L", "RGB") and "transparency" in image.info)
        mode = "RGBA" if has_alpha else "RGB"
        pixels = image if image.mode == mode else image.convert(mode)
        upright = _upright(pixels, orientation)
        if upright is not pixels and pixels is not image:
            pixels.close()  # free the converted copy before encoding
        pixels = upright
        # Only the pixels are written: no EXIF, GPS, XMP, ICC profile, comment or text chunk. The
        # writers read some of these from ``info`` (PNG's ICC profile, JPEG's comment), so it goes.
        pixels.info = {}
        out = io.BytesIO()
        if has_alpha or source in LOSSLESS_SOURCES:
            pixels.save(out, format="PNG", compress_level=6)
            return CleanFile(out.getvalue(), "image/png", "image")
        pixels.save(out, format="JPEG", quality=88)
        return CleanFile(out.getvalue(), "image/jpeg", "image")
    finally:
        _decoding.release()


_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(image: Image.Image, orientation: object) -> Image.Image:
    """The image turned as its EXIF orientation says (what ImageOps.exif_transpose does, without
    copying the metadata it would then have to rewrite)."""
    method = _TRANSPOSE.get(orientation) if isinstance(orientation, int) else None
    return image.transpose(method) if method is not None else image
