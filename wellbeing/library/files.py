"""What an attached file really is, from its first bytes (the name and the browser's claim are
not trusted): PDF, or audio as MP3, M4A (MPEG-4 audio) or Ogg."""

from __future__ import annotations

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
EXTENSION_OF = {
    "application/pdf": "pdf",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
}
_MP4_AUDIO_BRANDS = (b"M4A ", b"M4B ")  # MPEG-4 audio only: not a video in disguise


def sniff_type(data: bytes) -> str | None:
    """The content type the bytes are, or None for anything not allowed."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data.startswith(b"ID3") or _is_mpeg_frame(data):
        return "audio/mpeg"
    if data[4:8] == b"ftyp" and data[8:12] in _MP4_AUDIO_BRANDS:
        return "audio/mp4"
    return None


def _is_mpeg_frame(data: bytes) -> bool:
    """An MPEG audio frame sync (11 set bits) with a layer III header."""
    return (
        len(data) >= 2 and data[0] == 0xFF and (data[1] & 0xE0) == 0xE0 and (data[1] & 0x06) == 0x02
    )


def safe_filename(name: str, content_type: str) -> str:
    """A plain download name: letters, digits, CJK, dot, dash, underscore; the extension of the
    real type."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    kept = "".join(ch for ch in stem if ch.isalnum() or ch in "-_ ").strip()[:80] or "attachment"
    return f"{kept}.{EXTENSION_OF[content_type]}"
