"""Forderwerk orchestration: settings, pure ingestion parsers and the Dagster definitions."""
