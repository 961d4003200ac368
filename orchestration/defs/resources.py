"""Resources shared by every domain of the code location."""

import dagster as dg

from orchestration.settings import Settings, load_settings


class WorkspaceResource(dg.ConfigurableResource):
    """The Forderwerk workspace (DESIGN.md, Workspace); ``home`` overrides FORDERWERK_HOME."""

    home: str | None = None

    def settings(self) -> Settings:
        overrides = {"FORDERWERK_HOME": self.home} if self.home else {}
        base = load_settings()
        if not overrides:
            return base
        return load_settings({**_settings_env(base), **overrides})


def _settings_env(settings: Settings) -> dict[str, str]:
    """The environment that reproduces ``settings`` (so a home override keeps the rest)."""
    env = {"FORDERWERK_DBT_PROJECT_DIR": str(settings.dbt_project_dir)}
    optional = {
        "SENDGRID_API_KEY": settings.sendgrid_api_key,
        "FORDERWERK_SENDGRID_HOST": settings.sendgrid_host,
        "FORDERWERK_MAIL_FROM": settings.mail_from,
        "FORDERWERK_DUCKDB_THREADS": str(settings.duckdb_threads)
        if settings.duckdb_threads
        else None,
        "FORDERWERK_DUCKDB_MEMORY_LIMIT": settings.duckdb_memory_limit,
    }
    return env | {k: v for k, v in optional.items() if v}


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"workspace": WorkspaceResource()})
