"""Loading landing files into the raw schema of the warehouse (no Dagster import)."""
