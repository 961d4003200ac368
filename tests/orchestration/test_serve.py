"""`forderwerk serve`: the Dagster UI, which has no login, listens on this machine only."""

from __future__ import annotations

from orchestration import serve
from orchestration.cli import main


def test_the_dagster_ui_stays_on_loopback_when_the_app_is_public() -> None:
    dagster, streamlit = serve._commands("0.0.0.0", 8501, 3000, serve.LOOPBACK)
    assert dagster[dagster.index("-h") + 1] == "127.0.0.1"
    assert streamlit[streamlit.index("--server.address") + 1] == "0.0.0.0"


def test_a_public_dagster_ui_needs_a_declared_proxy(capsys) -> None:
    assert serve.dagster_host_problem("127.0.0.1", behind_proxy=False) is None
    assert serve.dagster_host_problem("localhost", behind_proxy=False) is None
    assert serve.dagster_host_problem("10.0.0.5", behind_proxy=True) is None
    problem = serve.dagster_host_problem("0.0.0.0", behind_proxy=False)
    assert problem and "has no login" in problem and "--dagster-behind-proxy" in problem
    # refused before anything starts
    assert main(["serve", "--dagster-host", "0.0.0.0"]) == 2
    assert "the Dagster UI has no login" in capsys.readouterr().err
