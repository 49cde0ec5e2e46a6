"""Export of a comment table as a Word submission: pure presenter dataclasses and a .docx renderer (no DB, no web)."""
