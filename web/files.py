"""Recognise an upload by its content (never the declared type) and read the metadata the reviewer needs.
Pillow parses images and their EXIF; a PDF is recognised by its header."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta, timezone, tzinfo

from PIL import Image, UnidentifiedImageError

from domain.shared.clock import SHANGHAI
from domain.uploads.model import MAX_PIXELS, FileFacts

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard, a second line behind the check in ``recognise``
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
SOFTWARE, DATETIME, EXIF_IFD = 0x0131, 0x0132, 0x8769
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011


def _instant(stamp: object, offset: object) -> datetime | None:
    """EXIF time is local; its offset when recorded, else Asia/Shanghai (decision: the platform's zone)."""
    if not isinstance(stamp, str):
        return None
    try:
        local = datetime.strptime(stamp.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone: tzinfo = SHANGHAI
    if isinstance(offset, str) and len(offset.strip("\x00")) == 6:
        text = offset.strip("\x00")
        try:
            sign = -1 if text[0] == "-" else 1
            zone = timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))
        except ValueError:
            pass
    return local.replace(tzinfo=zone)


class TooManyPixels(Exception):
    """A decompression bomb, or just an image larger than evidence needs: refused before its pixels decode."""


def recognise(content: bytes) -> FileFacts | None:
    """``None`` when the content is none of JPEG, PNG, WebP or PDF (or is a broken image); ``TooManyPixels`` for
    an image over MAX_PIXELS, found from its header alone. CPU-bound: the server calls it in a worker thread."""
    digest = hashlib.sha256(content).hexdigest()
    if content.startswith(b"%PDF-"):
        return FileFacts("application/pdf", len(content), digest)
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = FORMATS.get(image.format or "")
            if kind is None:
                return None
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise TooManyPixels(f"{width} × {height}")
            image.verify()  # structure and checksums
        with Image.open(io.BytesIO(content)) as image:
            exif = image.getexif()
            image.load()  # every pixel decodes: a truncated file is refused
    except Image.DecompressionBombError as error:
        raise TooManyPixels(str(error)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, RuntimeError):
        return None
    software = exif.get(SOFTWARE)
    details = exif.get_ifd(EXIF_IFD) if exif else {}
    captured = _instant(details.get(DATETIME_ORIGINAL) or exif.get(DATETIME), details.get(OFFSET_TIME_ORIGINAL))
    return FileFacts(kind, len(content), digest, str(software).strip("\x00 ")[:200] if software else None, captured)
