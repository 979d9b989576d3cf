"""Retention: record series, eligibility, holds matching, Disposal Certificates and the purge."""
