"""Fixtures of the dunning tests: workspaces with and without SendGrid, the local SendGrid
server, a fast retry policy."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from actions.delivery import RetryPolicy
from actions.engine import EngineConfig
from core.settings import Settings, load_settings
from tests.actions.sendgrid_server import SendGridStub


@pytest.fixture()
def sendgrid() -> SendGridStub:
    with SendGridStub() as stub:
        yield stub


@pytest.fixture()
def sendgrid_settings(tmp_path: Path, sendgrid: SendGridStub) -> Settings:
    s = load_settings(
        {
            "FORDERWERK_HOME": str(tmp_path / "home"),
            "SENDGRID_API_KEY": "SG.test-key",
            "FORDERWERK_SENDGRID_HOST": sendgrid.url,
            "FORDERWERK_MAIL_FROM": "mahnwesen@forderwerk.example",
        }
    )
    s.ensure_workspace()
    return s


@pytest.fixture()
def sleeps() -> list[float]:
    return []


@pytest.fixture()
def config(sleeps: list[float]) -> EngineConfig:
    """Retries without waiting (the delays asked for are recorded in ``sleeps``)."""
    retry = RetryPolicy(
        attempts=3, base_delay=0.5, max_delay=4, run_backoff=timedelta(0), sleep=sleeps.append
    )
    return EngineConfig(retry=retry)
