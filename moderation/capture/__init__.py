"""Capturing posts and comments of the City's sites: the format importers, the writer, the
Capture API, search, the TST monitoring queue and the upload page."""
