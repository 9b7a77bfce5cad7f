"""Attachments: images re-encoded in memory (which drops GPS and device metadata), other files
refused unless the reporter asks to keep them as given. Nothing touches the disk."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_FILES = 5
MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "HEIF": "image/jpeg"}


class AttachmentError(ValueError):
    """A file that cannot be accepted; the message is translated."""


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    content_type: str
    kind: str  # "image" (re-encoded) or "as_given"


def clean_attachment(*, data: bytes, keep_as_given: bool) -> CleanFile:
    if len(data) > MAX_FILE_BYTES:
        raise AttachmentError(_("A file is larger than %(max)s MB.") % {"max": MAX_FILE_BYTES // (1024 * 1024)})
    if not data:
        raise AttachmentError(_("A file is empty."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in IMAGE_FORMATS:
                raise UnidentifiedImageError(image.format)
            if image.width * image.height > MAX_PIXELS:
                raise AttachmentError(_("An image is too large."))
            image.load()
            upright = ImageOps.exif_transpose(image)
            has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            pixels = upright.convert("RGBA" if has_alpha else "RGB")
            # A new image from the raw pixels: no EXIF, GPS, XMP, ICC or text chunk can survive.
            fresh = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
            out = io.BytesIO()
            if image.format == "PNG":
                fresh.save(out, format="PNG", optimize=True)
                return CleanFile(out.getvalue(), "image/png", "image")
            fresh.convert("RGB").save(out, format="JPEG", quality=88)
            return CleanFile(out.getvalue(), "image/jpeg", "image")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as error:
        if isinstance(error, AttachmentError):
            raise
        if keep_as_given:
            return CleanFile(data, "application/octet-stream", "as_given")
        raise AttachmentError(
            _("Only photos (JPEG, PNG, HEIC) are accepted. To send another kind of file, tick 'Keep my other files as they are'.")
        ) from error
