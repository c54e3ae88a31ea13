"""The e-book edition: the book as plain data (`book`), its cover picture (`cover`), and the EPUB
file packed with ebooklib (`pack`, its only importer)."""
