"""Photos without their metadata.

A fulfilment photo is taken at the resident's door, often on a phone that writes the place into
the file (EXIF GPS, XMP). Whoever may see the wish may fetch its photo, and the position in it is
exact: the one thing the masking of positions (domain.privacy) hides. So the photo is kept
without the blocks that carry metadata, the image itself untouched:

    JPEG  APP1 (EXIF, XMP), APP13 (IPTC), COM segments dropped; JFIF, ICC colour and the image kept
    PNG   eXIf, tEXt, zTXt, iTXt and tIME chunks dropped
    WebP  EXIF and XMP chunks dropped, their flags cleared in VP8X, the RIFF size fixed

A file whose blocks cannot be walked is refused (``bad_photo``): what cannot be read cannot be
cleaned, and a viewer might still find a position in it.
"""

from __future__ import annotations

import struct

from .error_codes import ErrorCode
from .errors import ValidationError

_JPEG_DROP = {0xE1, 0xED, 0xFE}  # APP1 (EXIF, XMP), APP13 (IPTC / Photoshop), COM
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RST0-7: no length
_PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}
_WEBP_DROP = {b"EXIF", b"XMP "}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _unreadable(what: str) -> ValidationError:
    return ValidationError(f"无法读取照片({what}),请换一张", f"the photo cannot be read ({what}); send another",
                           code=ErrorCode.BAD_PHOTO, details={"field": "photo"})


def _jpeg(data: bytes) -> bytes:
    out = bytearray(data[:2])  # SOI
    i = 2
    while i < len(data):
        if data[i] != 0xFF:
            raise _unreadable("JPEG segment")
        while i < len(data) and data[i] == 0xFF:  # fill bytes before a marker
            i += 1
        if i >= len(data):
            raise _unreadable("JPEG marker")
        marker = data[i]
        start = i - 1
        i += 1
        if marker in _JPEG_STANDALONE:
            out += data[start:i]
            continue
        if marker == 0xD9:  # EOI
            out += data[start:i]
            return bytes(out)
        if i + 2 > len(data):
            raise _unreadable("JPEG length")
        (length,) = struct.unpack(">H", data[i:i + 2])
        end = i + length
        if length < 2 or end > len(data):
            raise _unreadable("JPEG length")
        if marker == 0xDA:  # start of scan: the image data and whatever follows, as they are
            out += data[start:]
            return bytes(out)
        if marker not in _JPEG_DROP:
            out += data[start:end]
        i = end
    raise _unreadable("JPEG without image data")


def _png(data: bytes) -> bytes:
    out = bytearray(data[:8])
    i = 8
    first = True
    while i + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        end = i + 12 + length
        if end > len(data) or (first and kind != b"IHDR"):
            raise _unreadable("PNG chunk")
        first = False
        if kind not in _PNG_DROP:
            out += data[i:end]
        i = end
        if kind == b"IEND":
            return bytes(out)
    raise _unreadable("PNG without IEND")


def _webp(data: bytes) -> bytes:
    if len(data) < 12:
        raise _unreadable("WebP header")
    chunks = bytearray()
    i = 12
    end_of_riff = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    while i + 8 <= end_of_riff:
        kind, size = struct.unpack("<4sI", data[i:i + 8])
        end = i + 8 + size + (size & 1)
        if i + 8 + size > end_of_riff:
            raise _unreadable("WebP chunk")
        chunk = bytearray(data[i:min(end, end_of_riff)])
        if kind == b"VP8X" and size >= 1:
            chunk[8] &= ~(_VP8X_EXIF | _VP8X_XMP) & 0xFF
        if kind not in _WEBP_DROP:
            chunks += chunk
        i = end
    if i < end_of_riff or not chunks:
        raise _unreadable("WebP chunk")
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)


def without_metadata(data: bytes, media: str) -> bytes:
    """The photo with its metadata blocks dropped (see the module); ``media`` as `check_photo`
    read it from the bytes."""
    if media == "image/jpeg":
        return _jpeg(data)
    if media == "image/png":
        return _png(data)
    if media == "image/webp":
        return _webp(data)
    raise _unreadable(media)
