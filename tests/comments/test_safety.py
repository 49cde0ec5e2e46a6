"""The checks that run before any parser sees an upload: zip directory, XML prologs, control characters."""

from __future__ import annotations

import dataclasses
import io
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from comments.errors import ImportRejected
from comments.importing.safety import (
    ImportLimits,
    check_text,
    check_xml_parts,
    check_zip,
    repack_zip,
    strip_control_chars,
)
from tests.fixtures.builders import (
    W_NS,
    make_billion_laughs_docx,
    make_docx,
    make_lying_size_docx,
    make_many_paragraphs_docx,
    make_xxe_docx,
    make_zip_bomb_docx,
    set_zip_directory_field,
)

MiB = 1024 * 1024


@contextmanager
def bounded(megabytes: float = 50) -> Iterator[None]:
    """A safety bound, not a benchmark: refused without unpacking the payload (peak memory stays small).
    Memory, not seconds: a wall-clock bound fails on a busy machine; the speed is in bench/import.py."""
    tracemalloc.start()
    try:
        yield
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < megabytes * MiB, f"peak memory {peak / MiB:.0f} MB"


def zip_of(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def rejected(call: Callable[[], object]) -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        call()
    return info.value


# --- limits -----------------------------------------------------------------------------------------


def test_default_limits() -> None:
    limits = ImportLimits()
    assert limits.max_bytes == 10 * MiB
    assert limits.max_text_chars == 5_000_000
    assert limits.docx_max_uncompressed == 60 * MiB
    assert limits.docx_max_entries == 2_000
    assert limits.docx_max_ratio == 100
    assert limits.docx_max_paragraphs == 200_000
    assert limits.pdf_max_pages == 3_000
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_bytes = 1  # type: ignore[misc]


# --- check_zip: the central directory only -------------------------------------------------------------


def test_check_zip_accepts_a_real_docx() -> None:
    check_zip(make_docx(["Article 1 Scope."]), ImportLimits())


def test_zip_bomb_is_refused_from_the_directory_alone() -> None:
    bomb = make_zip_bomb_docx()
    with bounded():
        error = rejected(lambda: check_zip(bomb, ImportLimits()))
    assert error.reason == "too_large"
    assert "unpacks to 200 MB; the limit is 60 MB" in error.message


def test_check_zip_does_not_decompress() -> None:
    # Garbage where the compressed data should be: only a reader that inflates would notice.
    data = bytearray(zip_of({"word/document.xml": b"<w:document/>" * 100}))
    start = 30 + len("word/document.xml")  # after the local header
    data[start : start + 8] = b"\xff" * 8
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf, pytest.raises(zlib.error):
        zf.read("word/document.xml")
    check_zip(bytes(data), ImportLimits())
    # The damage is reported as such once the parts are actually read.
    error = rejected(xml_parts_of(bytes(data)))
    assert "damaged" in error.message


def test_too_many_entries() -> None:
    many = zip_of({f"word/media/{i}.xml": b"<a/>" for i in range(2_001)})
    with bounded():
        error = rejected(lambda: check_zip(many, ImportLimits()))
    assert error.reason == "too_large"
    assert "2,001 parts" in error.message


def test_suspicious_compression_ratio() -> None:
    squeezed = zip_of({"word/document.xml": b"<w:p/>" * (2 * MiB // 6)})  # ~1000:1
    error = rejected(lambda: check_zip(squeezed, ImportLimits()))
    assert "compressed suspiciously" in error.message
    # Below 1 MiB the ratio does not matter: small parts compress well and are harmless.
    check_zip(zip_of({"word/document.xml": b"<w:p/>" * 100_000}), ImportLimits())


def test_compression_methods_word_never_uses() -> None:
    data = zip_of({"word/document.xml": b"<w:document/>"}, compression=zipfile.ZIP_BZIP2)
    assert rejected(lambda: check_zip(data, ImportLimits())).reason == "invalid"


def test_encrypted_entries() -> None:
    data = set_zip_directory_field(zip_of({"word/document.xml": b"<a/>"}), "word/document.xml", 8, "<H", 1)
    assert rejected(lambda: check_zip(data, ImportLimits())).reason == "unsupported"


def test_not_a_zip() -> None:
    error = rejected(lambda: check_zip(b"PK\x03\x04 truncated", ImportLimits()))
    assert error.reason == "invalid"
    assert "damaged" in error.message


# --- check_xml_parts: no DOCTYPE reaches lxml ---------------------------------------------------------


def xml_parts_of(data: bytes) -> Callable[[], None]:
    return lambda: check_xml_parts(zipfile.ZipFile(io.BytesIO(data)))


def test_clean_parts_pass() -> None:
    xml_parts_of(make_docx(["Article 1 Scope."], table_rows=[["a", "b"]]))()


@pytest.mark.parametrize("build", [make_xxe_docx, make_billion_laughs_docx])
def test_doctype_is_refused(build: Callable[[], bytes]) -> None:
    data = build()
    with bounded():
        error = rejected(xml_parts_of(data))
    assert error.reason == "invalid"
    assert "DOCTYPE" in error.message
    assert "root:" not in error.message


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!-- a comment --><!DOCTYPE x [<!ENTITY e "e">]><x/>',
        b'<?xml version="1.0"?>\n<?pi anything?>\n<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>',
        b"\xef\xbb\xbf<!DOCTYPE x><x/>",
        b"<?xml version='1.0'?>" + b" " * (70 * 1024) + b"<!DOCTYPE x><x/>",  # pushed past the scan window
        b"<?xml version='1.0'?><?pad " + b"a" * (70 * 1024) + b"?><!DOCTYPE x><x/>",
        b"<?xml version='1.0'?><!--" + b"a" * (70 * 1024) + b"--><!DOCTYPE x><x/>",
    ],
)
def test_doctype_is_found_wherever_the_prolog_hides_it(xml: bytes) -> None:
    rejected(xml_parts_of(zip_of({"word/document.xml": xml})))


def test_parts_not_named_xml_are_checked_when_they_look_like_xml() -> None:
    # [Content_Types].xml can route any part name to the XML parser.
    data = zip_of({"word/document.bin": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x/>'})
    rejected(xml_parts_of(data))
    xml_parts_of(zip_of({"word/media/image1.png": b"\x89PNG\r\n\x1a\n<!DOCTYPE"}))()


def test_utf16_parts_are_refused() -> None:
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16")
    assert "damaged" in rejected(xml_parts_of(zip_of({"word/document.xml": xml}))).message


# --- repack_zip: streamed copy, truthful sizes, counted paragraphs ---------------------------------------


def test_repack_keeps_every_part() -> None:
    original = make_docx(["Article 1 Scope."])
    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        copy = repack_zip(zf, ImportLimits())
        names = zf.namelist()
        contents = {name: zf.read(name) for name in names}
    with zipfile.ZipFile(io.BytesIO(copy)) as zf:
        assert zf.namelist() == names
        assert {name: zf.read(name) for name in names} == contents


def test_a_lying_directory_cannot_explode_in_memory() -> None:
    # The directory says 1,000 bytes; the data inflates to 100 MB. zipfile's read() of a whole member
    # would inflate it all before trimming; the streamed copy stops at the declared size.
    data = make_lying_size_docx()
    check_zip(data, ImportLimits())  # the directory itself looks harmless
    with bounded():
        error = rejected(lambda: repack_zip(zipfile.ZipFile(io.BytesIO(data)), ImportLimits()))
    assert "damaged" in error.message


def test_too_many_paragraphs_stops_the_copy_early() -> None:
    data = make_many_paragraphs_docx()
    check_zip(data, ImportLimits())  # passes size and ratio: only the paragraph count catches it
    with bounded():
        error = rejected(lambda: repack_zip(zipfile.ZipFile(io.BytesIO(data)), ImportLimits()))
    assert error.reason == "too_large"
    assert "200,000 paragraphs" in error.message


@pytest.mark.parametrize("chunk_split", [1, 3, 5])
def test_paragraphs_are_counted_exactly_across_chunks(chunk_split: int) -> None:
    # 10 paragraphs with a namespace prefix of any name; limit 9 refuses, limit 10 accepts.
    body = b"".join(b'<x:p a="1"><x:r/></x:p>' for _ in range(10))
    xml = f'<x:document xmlns:x="{W_NS}"><x:body>'.encode() + body + b"</x:body></x:document>"
    data = zip_of({"word/document.xml": xml})
    counting = ImportLimits(docx_max_paragraphs=9)
    rejected(lambda: repack_zip(zipfile.ZipFile(io.BytesIO(data)), counting))
    repack_zip(zipfile.ZipFile(io.BytesIO(data)), ImportLimits(docx_max_paragraphs=10))


def test_elements_are_counted_in_parts_not_named_xml() -> None:
    data = zip_of({"word/document.bin": b"<w:document>" + b"<w:r/>" * 1_000 + b"</w:document>"})
    limits = ImportLimits(docx_max_elements=500)
    assert rejected(lambda: repack_zip(zipfile.ZipFile(io.BytesIO(data)), limits)).reason == "too_large"
    repack_zip(zipfile.ZipFile(io.BytesIO(zip_of({"media/image.png": PNG_LIKE}))), limits)


PNG_LIKE = b"\x89PNG\r\n\x1a\n" + b"<w:r/>" * 1_000


def test_too_many_elements() -> None:
    data = zip_of({"word/document.xml": b"<w:document>" + b"<w:r/>" * 1_000 + b"</w:document>"})
    limits = ImportLimits(docx_max_elements=500)
    error = rejected(lambda: repack_zip(zipfile.ZipFile(io.BytesIO(data)), limits))
    assert error.reason == "too_large"


# --- check_text -------------------------------------------------------------------------------------


def test_check_text_names_the_position() -> None:
    error = rejected(lambda: check_text("Article 1\nScope\nThe re\x00gulation"))
    assert error.reason == "invalid"
    assert "line 3, column 7" in error.message
    assert "U+0000" in error.message


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"])
def test_check_text_rejects_control_characters(char: str) -> None:
    assert "line 1, column 3" in rejected(lambda: check_text(f"ab{char}cd")).message


def test_check_text_allows_layout_characters() -> None:
    check_text("Article 1\tScope\r\nText\fPage 2 · “quotes” — 第一条\u00a0ok")


def test_check_text_counts_columns_after_crlf() -> None:
    assert "line 2, column 2" in rejected(lambda: check_text("ab\r\nc\x07")).message


def test_strip_control_chars_for_extracted_text() -> None:
    assert strip_control_chars("a\tb\x00c\x1fd\x85e") == "a bcde"
