"""Kept for the plan spreadsheet reader, which decodes CSV text with it: documents are read by
tracker.imports.document now."""

from tracker.imports.document.plain import decode_text

__all__ = ["decode_text"]
