"""Bank files: route to the right parser, and keep overlapping statements from double-counting."""

from __future__ import annotations

import duckdb

from orchestration.ingest.bank_model import ParsedBankFile
from orchestration.ingest.errors import fail
from orchestration.loading import raw_tables


class BankConflict(Exception):
    """A transaction the bank sent before (same account and reference) now says otherwise."""


def parse_bank_file(data: bytes, file_name: str) -> ParsedBankFile:
    """camt.053/054 or MT940, decided by content, not by file name (banks name files freely)."""
    from orchestration.ingest.camt import looks_like_camt, parse_camt
    from orchestration.ingest.mt940 import looks_like_mt940, parse_mt940

    if looks_like_camt(data):
        parsed = parse_camt(data, file_name)
    elif looks_like_mt940(data):
        parsed = parse_mt940(data, file_name)
    else:
        raise fail(
            file_name, "", "", "neither an ISO 20022 camt.053/054 nor a SWIFT MT940 statement"
        )
    _require_accounts(parsed, file_name)
    return parsed


def _require_accounts(parsed: ParsedBankFile, file_name: str) -> None:
    """A statement fragment without its account (no :25:) cannot be told apart from others.

    The parser reads such fragments (they occur in the wild), but loading them would file
    payments under no account, where an identical fragment of another account would be
    taken for a resend; so they are quarantined until sent complete.
    """
    nameless = [s.statement_id for s in parsed.statements if not s.account_iban]
    if nameless:
        raise fail(
            file_name,
            f"statement {nameless[0]}",
            "account",
            "names no account (camt Acct/Id, MT940 :25:); send the complete statement",
        )


def dedupe_bank_file(con: duckdb.DuckDBPyConnection, tables: dict[str, list[dict]]) -> int:
    """Drop rows already loaded from an earlier, overlapping statement; refuse conflicts.

    Returns how many transactions were already known. The same (account, bank reference)
    with different content is never a second payment: the file is refused instead.
    """
    transactions = tables["bank__transactions"]
    if not transactions:
        return 0
    incoming = raw_tables.to_arrow("bank__transactions", transactions)  # noqa: F841 - used in SQL
    clashes = con.execute(
        """select i.account_iban, i.bank_reference, i.content_key <> t.content_key as conflict,
                  t.source_file
           from incoming i
           join raw.bank__transactions t using (account_iban, bank_reference)"""
    ).fetchall()
    conflicts = [c for c in clashes if c[2]]
    if conflicts:
        lines = [
            f"transaction {ref} on account {iban} was loaded from {src} with other content "
            "(amount, dates, counterparty or remittance differ)"
            for iban, ref, _, src in conflicts[:20]
        ]
        raise BankConflict("conflicting resend:\n" + "\n".join(lines))
    known = {(iban, ref) for iban, ref, _, _ in clashes}
    tables["bank__transactions"] = [
        t for t in transactions if (t["account_iban"], t["bank_reference"]) not in known
    ]
    statements = tables["bank__statements"]
    if statements:
        stmts = raw_tables.to_arrow("bank__statements", statements)  # noqa: F841 - used in SQL
        seen = set(
            con.execute(
                """select s.account_iban, s.statement_id from stmts s
               join raw.bank__statements t using (account_iban, statement_id)
               where s.opening_balance is not distinct from t.opening_balance
                 and s.closing_balance is not distinct from t.closing_balance"""
            ).fetchall()
        )
        tables["bank__statements"] = [
            s for s in statements if (s["account_iban"], s["statement_id"]) not in seen
        ]
    return len(known)
