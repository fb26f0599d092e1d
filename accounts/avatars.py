"""Avatars: uploaded pictures resized with Pillow, or initials drawn as SVG."""

import hashlib
import io
from html import escape

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import InvalidInput

AVATAR_SIZE = 400
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PALETTE = ["#1d4ed8", "#047857", "#b45309", "#7c3aed", "#be123c", "#0e7490", "#4d7c0f", "#9d174d"]


def resize_avatar(upload) -> ContentFile:
    """A square JPEG or PNG of at most 400x400 from an uploaded picture."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise InvalidInput("The picture is larger than 5 MB.", field="avatar")
    try:
        opened = Image.open(upload)
        opened.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise InvalidInput("That file is not a picture hashchat can read.", field="avatar")
    image: Image.Image = ImageOps.exif_transpose(opened)
    image = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P"):
        image.convert("RGBA").save(buffer, "PNG", optimize=True)
        ext = "png"
    else:
        image.convert("RGB").save(buffer, "JPEG", quality=85)
        ext = "jpg"
    digest = hashlib.sha256(buffer.getvalue()).hexdigest()[:16]
    return ContentFile(buffer.getvalue(), name=f"{digest}.{ext}")


def check_avatar(upload) -> None:
    """InvalidInput when `upload` is too large or not a picture (a form checks it with
    its other fields; resize_avatar checks again when it saves)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise InvalidInput("The picture is larger than 5 MB.", field="avatar")
    try:
        Image.open(upload).verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise InvalidInput("That file is not a picture hashchat can read.", field="avatar")
    finally:
        upload.seek(0)


def initials_svg(handle: str, initials: str) -> str:
    colour = PALETTE[int(hashlib.md5(handle.lower().encode()).hexdigest(), 16) % len(PALETTE)]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
        f'<rect width="64" height="64" rx="32" fill="{colour}"/>'
        '<text x="32" y="33" text-anchor="middle" dominant-baseline="middle" '
        'font-family="system-ui, sans-serif" font-size="26" font-weight="600" fill="#fff">'
        f"{escape(initials)}</text></svg>"
    )
