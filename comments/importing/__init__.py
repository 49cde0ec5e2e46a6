"""Draft import: bytes or pasted text -> SourceDocument (readers) -> clean paragraphs -> provisions (splitter).

The splitter knows no file formats; the readers know nothing of articles.
"""
