"""Pure parsers and validators for landing files. Nothing here imports Dagster."""
