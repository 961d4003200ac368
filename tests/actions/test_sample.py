"""The dunning preview on the bundled sample run through the whole pipeline."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import duckdb
import pytest
import sqlalchemy as sa

from actions import ops_store
from actions.engine import preview
from tests.conftest import sample_as_of

pytestmark = pytest.mark.slow


def test_preview_on_the_sample(sample_workspace, tmp_path):
    as_of = date.fromisoformat(sample_as_of())
    # read-only: the warehouse opened read-only, and a fresh ops store, since the
    # pipeline's own dunning run already planned today's actions in the workspace's ledger
    store = tmp_path / "ops.sqlite"
    engine = sa.create_engine(f"sqlite:///{store}")
    ops_store.metadata.create_all(engine)
    with duckdb.connect(str(sample_workspace.warehouse_path), read_only=True) as con:
        proposals = con.execute(
            "select count(*), count(*) filter (where not is_stopped)"
            " from marts.fct_dunning_proposals"
        ).fetchone()
        open_docs = {
            r[0]: r[1]
            for r in con.execute(
                "select document_id, open_amount from marts.fct_open_items"
            ).fetchall()
        }
        shown = preview(sample_workspace, con, as_of, engine=engine)
    assert proposals[0] > 0
    assert shown.actions, "the sample has overdue invoices that a run would act on"
    per_channel = Counter((a["channel"], d) for a in shown.actions for d in a["documents"])
    assert max(per_channel.values()) == 1  # a document once per channel
    for action in shown.actions:
        assert all(open_docs[d] > 0 for d in action["documents"])
        assert action["total"] >= sum(open_docs[d] for d in action["documents"])
        assert isinstance(action["total"], Decimal)
        # 2026-H2 has no base rate in the seed: interest claimed is unknown, never guessed,
        # and such an action waits for approval
        if action["interest_status"] == "unknown":
            assert action["requires_approval"]
            assert any("2026-H2" in r for r in action["approval_reasons"])
    stopped = {s.document_id for s in shown.stops}
    assert not stopped & {d for a in shown.actions for d in a["documents"]}
