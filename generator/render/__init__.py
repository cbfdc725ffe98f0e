"""Renderers: the outline both share, then DOCX and HTML."""
