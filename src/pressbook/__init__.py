"""pressbook: a Vietnamese newsroom's articles into print editions (PDF) and e-books (EPUB)."""

__version__ = "0.1.0"
