"""Limits and checks that run before any parser sees an upload.

A .docx is a zip of XML parts, so it can be a zip bomb (tiny upload, gigabytes unpacked), carry an XML
DOCTYPE (external entities read local files; nested entities "billion laughs" eat memory) or simply
hold millions of elements. Everything here reads bounded amounts: the zip's central directory, the
first bytes of each part, and parts streamed in fixed-size chunks.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from comments.errors import ImportRejected

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ImportLimits:
    max_bytes: int = 10 * MiB  # upload size; drafts are text, 10 MB is a 1,000-page PDF
    max_text_chars: int = 5_000_000  # ~1,500 dense pages: far beyond any draft
    docx_max_uncompressed: int = 60 * MiB  # sum of the zip directory's declared file sizes
    docx_max_entries: int = 2_000  # Word writes ~15 parts; images add one each
    docx_max_ratio: int = 100  # per entry over 1 MiB: file_size / compress_size (Word's XML: ~10)
    docx_max_paragraphs: int = 200_000
    # Every XML element costs lxml ~100+ bytes; this bounds python-docx's memory to a few hundred MB.
    docx_max_elements: int = 3_000_000
    pdf_max_pages: int = 3_000


DEFAULT_LIMITS = ImportLimits()

_RATIO_MIN_SIZE = 1 * MiB  # small parts compress well and are harmless
_PROLOG_SCAN = 64 * 1024  # a real prolog is ~60 bytes; a longer one is refused, never scanned further
_CHUNK = 1 * MiB
_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_EOCD_SIGNATURE = b"PK\x05\x06"
_XML_NAME = re.compile(r"\.(xml|rels)$", re.IGNORECASE)

# What reading a damaged member raises: bad CRC, truncated data, invalid deflate stream.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, ValueError, EOFError, OSError)

DOCX_DAMAGED = (
    "The .docx file is damaged or is not a real Word document. "
    "Open it in Word, save it again as .docx and import it again."
)


def _mb(n: int) -> str:
    return f"{n / MiB:.1f}".removesuffix(".0")


def check_upload_size(size: int, limits: ImportLimits = DEFAULT_LIMITS) -> None:
    if size > limits.max_bytes:
        raise ImportRejected(
            f"The file is too large ({_mb(size)} MB); the limit is {_mb(limits.max_bytes)} MB.",
            reason="too_large",
        )


def check_text_length(text: str, limits: ImportLimits = DEFAULT_LIMITS) -> None:
    if len(text) > limits.max_text_chars:
        raise ImportRejected(
            f"The draft is too long ({len(text):,} characters); the limit is {limits.max_text_chars:,}.",
            reason="too_large",
        )


# --- zip (.docx) ------------------------------------------------------------------------------------


def _declared_entry_count(data: bytes) -> int | None:
    """The entry count from the end-of-central-directory record, read before zipfile builds one
    ZipInfo per entry (a 10 MB upload can list ~200,000 entries). None for zip64 or no record."""
    pos = data.rfind(_EOCD_SIGNATURE, max(0, len(data) - 22 - 0xFFFF))
    if pos < 0 or pos + _EOCD.size > len(data):
        return None
    total = _EOCD.unpack_from(data, pos)[4]
    return None if total == 0xFFFF else total


def _too_many_entries(n: int, limits: ImportLimits) -> ImportRejected:
    return ImportRejected(
        f"The .docx file has {n:,} parts; the limit is {limits.docx_max_entries:,}.", reason="too_large"
    )


def check_zip(data: bytes, limits: ImportLimits = DEFAULT_LIMITS) -> None:
    """Refuse a zip bomb by reading only the central directory: nothing is decompressed here."""
    declared = _declared_entry_count(data)
    if declared is not None and declared > limits.docx_max_entries:
        raise _too_many_entries(declared, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise ImportRejected(DOCX_DAMAGED) from exc
    if len(infos) > limits.docx_max_entries:
        raise _too_many_entries(len(infos), limits)
    if len({info.filename for info in infos}) != len(infos):
        raise ImportRejected(DOCX_DAMAGED)  # duplicate names: which one a reader picks is undefined
    total = sum(info.file_size for info in infos)
    if total > limits.docx_max_uncompressed:
        raise ImportRejected(
            f"The .docx file unpacks to {_mb(total)} MB; "
            f"the limit is {_mb(limits.docx_max_uncompressed)} MB.",
            reason="too_large",
        )
    for info in infos:
        _check_entry(info, limits)


def _check_entry(info: zipfile.ZipInfo, limits: ImportLimits) -> None:
    if info.flag_bits & 0x1:
        raise ImportRejected(
            "The .docx file is encrypted. Remove the password in Word and import it again.",
            reason="unsupported",
        )
    # Word only stores or deflates. zipfile inflates bzip2/lzma without an output bound, so they
    # could blow up in memory before any size check applies.
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ImportRejected(DOCX_DAMAGED)
    if info.file_size > _RATIO_MIN_SIZE and info.file_size > limits.docx_max_ratio * info.compress_size:
        raise ImportRejected(
            f"The .docx file is compressed suspiciously well (part {info.filename!r} unpacks "
            f"{info.file_size // max(info.compress_size, 1):,} times larger); it was refused for safety.",
        )


def check_xml_parts(zf: zipfile.ZipFile) -> None:
    """Refuse any XML part that declares a DOCTYPE (XXE, billion laughs) before lxml sees it.

    Word never writes a DOCTYPE, so this rejects nothing legitimate. Parts not named .xml/.rels are
    checked too when they start like XML, since a package's content types can route any part name
    to the XML parser. Only the first 64 KiB of each part is decompressed.
    """
    for info in zf.infolist():
        if info.is_dir():
            continue
        try:
            with zf.open(info) as part:
                head = part.read(_PROLOG_SCAN)
        except _UNREADABLE as exc:
            raise ImportRejected(DOCX_DAMAGED) from exc
        if _XML_NAME.search(info.filename) or _looks_like_xml(head):
            _check_prolog(head, info.filename)


def _looks_like_xml(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")[:1] == b"<"


_PROLOG_ITEM = re.compile(rb"(?:\s|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)  # single \s: no nested quantifier
_ROOT_START = re.compile(rb"<[A-Za-z_:]")


def _check_prolog(head: bytes, name: str) -> None:
    unsafe = ImportRejected(
        f"The .docx file contains XML that Word never writes (a DOCTYPE or entity declaration in "
        f"{name!r}); it was refused for safety."
    )
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        # UTF-16/32 parts would slip past these byte-level scans; Word writes UTF-8 only.
        raise ImportRejected(DOCX_DAMAGED)
    body = head.removeprefix(b"\xef\xbb\xbf")
    if b"<!ENTITY" in body:
        raise unsafe
    prolog = _PROLOG_ITEM.match(body)
    rest = body[prolog.end() :] if prolog else body
    if _ROOT_START.match(rest):
        return
    if rest.startswith(b"<") or (not rest and len(head) == _PROLOG_SCAN):
        raise unsafe  # a DOCTYPE, or a prolog running past the scan window that could hide one
    # Anything else (garbage, an empty part) fails in the parser and is reported as damaged.


def repack_zip(zf: zipfile.ZipFile, limits: ImportLimits = DEFAULT_LIMITS) -> bytes:
    """Copy every part, streamed in bounded chunks, into a fresh uncompressed zip, counting
    paragraphs and elements on the way.

    Why copy: zipfile's read() of a whole member inflates it in one call and only then trims it to
    the declared size, so a member that lies about its size could still explode in memory when
    python-docx reads it. The copy is truthful by construction: no member is larger than declared.
    """
    out = io.BytesIO()
    counter = _ElementCounter(limits)
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dest:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                is_xml = bool(_XML_NAME.search(info.filename))
                with zf.open(info) as src, dest.open(info.filename, "w") as dst:
                    for index, chunk in enumerate(_chunks(src)):
                        # Same rule as check_xml_parts: any part that looks like XML may be parsed.
                        is_xml = is_xml or (index == 0 and _looks_like_xml(chunk))
                        if is_xml:
                            counter.feed(chunk)
                        dst.write(chunk)
                if is_xml:
                    counter.end_part()
    except _UNREADABLE as exc:
        raise ImportRejected(DOCX_DAMAGED) from exc
    return out.getvalue()


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


# Any element whose local name is "p" (w:p, and a:p in drawings: over-counting is harmless).
_PARAGRAPH_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?p[\s/>]")


class _ElementCounter:
    """Counts paragraphs and element starts across streamed chunks of XML; raises past the limits."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.paragraphs = 0
        self.elements = 0
        self._carry = b""

    def feed(self, chunk: bytes) -> None:
        buf = self._carry + chunk
        # Cut at the last "<": a tag holds no other "<", so none straddles the cut.
        cut = buf.rfind(b"<")
        cut = len(buf) if cut < 0 else cut
        self._count(buf, cut)
        self._carry = buf[cut:]

    def end_part(self) -> None:
        self._count(self._carry, len(self._carry))
        self._carry = b""

    def _count(self, buf: bytes, end: int) -> None:
        self.paragraphs += len(_PARAGRAPH_TAG.findall(buf, 0, end))
        # "<" minus "</" counts start tags (plus the odd comment: over-counting is harmless).
        self.elements += buf.count(b"<", 0, end) - buf.count(b"</", 0, end)
        if self.paragraphs > self.limits.docx_max_paragraphs:
            raise ImportRejected(
                f"The .docx file has more than {self.limits.docx_max_paragraphs:,} paragraphs; "
                "split it and import the part you need.",
                reason="too_large",
            )
        if self.elements > self.limits.docx_max_elements:
            raise ImportRejected(
                "The .docx file is too complex to import (too many XML elements); "
                "split it and import the part you need.",
                reason="too_large",
            )


# --- text -------------------------------------------------------------------------------------------

# C0 controls except \t \n \f \r, DEL, and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def check_text(text: str) -> None:
    """Refuse typed, pasted or .txt text holding control characters, saying where the first one is."""
    m = _CONTROL.search(text)
    if m is None:
        return
    pos = m.start()
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    raise ImportRejected(
        f"The text contains an invisible control character (U+{ord(m.group()):04X}) at line {line}, "
        f"column {column}. Remove it and try again."
    )


def strip_control_chars(text: str) -> str:
    """For extractor output (PDF, DOCX): tabs become spaces, other control characters disappear."""
    return _CONTROL.sub("", text.replace("\t", " "))
