"""Automatic capture: connectors that read each approved, connected site from its platform's
API and hand every page to the same importer as a file of that format (one parser per
format). See moderation.connectors.engine for a run, and docs/architecture.md."""
