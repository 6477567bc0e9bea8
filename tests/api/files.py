"""Real files for upload tests, made with Pillow."""

from __future__ import annotations

import io

from PIL import Image


def image(fmt: str = "JPEG", color=(200, 30, 30), software: str | None = None, taken: str | None = None,
          offset: str | None = None) -> bytes:
    picture = Image.new("RGB", (8, 8), color)
    exif = Image.Exif()
    if software:
        exif[0x0131] = software
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
        if offset:
            exif.get_ifd(0x8769)[0x9011] = offset
    buffer = io.BytesIO()
    picture.save(buffer, fmt, exif=exif.tobytes()) if (software or taken) else picture.save(buffer, fmt)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
