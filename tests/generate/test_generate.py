"""``forderwerk generate``: determinism, bank files that add up, valid identifiers, a truth
file that explains every bank credit, and landing files the ingestion parsers accept."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from schwifty import IBAN
from stdnum import iso11649
from stdnum.ch import vat as ch_vat
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat

from core.settings import PROJECT_ROOT, SAMPLE_DIR
from orchestration.ingest.bureau import parse_bureau
from orchestration.ingest.camt import parse_camt
from orchestration.ingest.erp import parse_erp
from orchestration.ingest.mt940 import parse_mt940
from orchestration.ingest.ops_events import parse_ops_events
from tools.generate import generate_company
from tools.generate.model import PERSONALITIES

SMALL = {
    "seed": 7,
    "customers": 40,
    "invoices": 700,
    "start": date(2026, 2, 1),
    "end": date(2026, 11, 20),
}
SAMPLE_BUDGET = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("company")
    generate_company(out, **SMALL)
    return out


def read_csv(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[dict[str, str]]:
    return list(
        csv.DictReader(io.StringIO(path.read_bytes().decode(encoding)), delimiter=delimiter)
    )


def customers_of(root: Path) -> list[dict[str, str]]:
    erp = root / "landing" / "erp"
    rows = read_csv(erp / "customers.csv", "cp1252", ";")
    for delta in sorted(erp.glob("customers_delta_*.csv")):
        rows += read_csv(delta)
    return rows


def documents_of(root: Path) -> list[dict[str, str]]:
    return [
        row
        for path in sorted((root / "landing" / "erp").glob("documents_*.csv"))
        for row in read_csv(path)
    ]


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# --------------------------------------------------------------------------- determinism


def test_same_arguments_give_byte_identical_output(company: Path, tmp_path: Path) -> None:
    generate_company(tmp_path, **SMALL)
    assert files_of(tmp_path) == files_of(company)


def test_output_does_not_depend_on_the_hash_seed(company: Path, tmp_path: Path) -> None:
    """Set or dict ordering must never leak into files: another process, another hash seed."""
    code = (
        "import sys, datetime\n"
        "from pathlib import Path\n"
        "from tools.generate import generate_company\n"
        f"generate_company(Path(sys.argv[1]), **{SMALL!r})\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4711"}
    subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], check=True, env=env, cwd=PROJECT_ROOT
    )
    assert files_of(tmp_path) == files_of(company)


def test_another_seed_gives_another_company(company: Path, tmp_path: Path) -> None:
    generate_company(tmp_path, **{**SMALL, "seed": 8})
    assert (
        files_of(tmp_path)["landing/erp/customers.csv"]
        != files_of(company)["landing/erp/customers.csv"]
    )


def test_manifest_lists_every_file_with_its_hash(company: Path) -> None:
    manifest = json.loads((company / "manifest.json").read_text())
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    actual = {
        k: hashlib.sha256(v).hexdigest()
        for k, v in files_of(company).items()
        if k != "manifest.json"
    }
    assert listed == actual
    assert (
        manifest["seed"] == 7
        and manifest["start"] == "2026-02-01"
        and manifest["end"] == "2026-11-20"
    )
    assert manifest["counts"]["invoices"] == 700


def test_layout_and_file_names(company: Path) -> None:
    names = set(files_of(company))
    assert "landing/erp/customers.csv" in names
    assert any(
        re.fullmatch(r"landing/erp/customers_delta_\d{4}-\d{2}-\d{2}\.csv", n) for n in names
    )
    for pattern in (
        r"landing/erp/documents_2026-0[2-9]\.csv",
        r"landing/erp/payments_2026-\d\d\.csv",
        r"landing/bank/camt053_\d{4}_2026-\d\d-\d\d\.xml",
        r"landing/bank/mt940_2026-\d\d\.sta",
        r"landing/bank/camt054_psp_2026-\d\d\.xml",
        r"landing/bureau/bureau_creditreform_2026-\d\d\.csv",
        r"landing/bureau/bureau_crif_2026-\d\d\.json",
    ):
        assert any(re.fullmatch(pattern, n) for n in names), pattern
    assert {
        "landing/ops/events_crm.csv",
        "truth/bank_payments.csv",
        "truth/personalities.csv",
    } <= names
    # one camt.053 of the main account per business day
    main = [n for n in names if n.startswith("landing/bank/camt053_2200_")]
    days = [date.fromisoformat(n[-14:-4]) for n in main]
    assert all(d.weekday() < 5 for d in days)
    assert len(days) == sum(
        1
        for o in range(SMALL["start"].toordinal(), SMALL["end"].toordinal() + 1)
        if date.fromordinal(o).weekday() < 5
    )


# --------------------------------------------------------------------------- bank files


NS = {
    "c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
    "n": "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02",
}


def amount(element: etree._Element, path: str, ns: dict[str, str] = NS) -> Decimal:
    return Decimal(element.findtext(path, namespaces=ns))


def signed(value: Decimal, indicator: str) -> Decimal:
    return value if indicator == "CRDT" else -value


def camt_transactions(root: Path) -> dict[tuple[str, str], tuple[Decimal, str, bool]]:
    """(account IBAN, bank reference) -> (amount, CRDT|DBIT, is return), read with lxml."""
    result = {}
    for path in sorted((root / "landing" / "bank").glob("camt05*.xml")):
        doc = etree.parse(str(path))
        prefix = "c" if "053" in path.name else "n"
        for stmt in (
            doc.iterfind(f".//{prefix}:Stmt", NS)
            if prefix == "c"
            else doc.iterfind(".//n:Ntfctn", NS)
        ):
            iban = stmt.findtext(f"{prefix}:Acct/{prefix}:Id/{prefix}:IBAN", namespaces=NS)
            for entry in stmt.iterfind(f"{prefix}:Ntry", NS):
                ref = entry.findtext(f"{prefix}:AcctSvcrRef", namespaces=NS)
                sign = entry.findtext(f"{prefix}:CdtDbtInd", namespaces=NS)
                details = entry.findall(f"{prefix}:NtryDtls/{prefix}:TxDtls", NS)
                for n, tx in enumerate(details, start=1):
                    path_amount = (
                        f"{prefix}:Amt"
                        if prefix == "c"
                        else f"{prefix}:AmtDtls/{prefix}:TxAmt/{prefix}:Amt"
                    )
                    key = f"{ref}/{n}" if len(details) > 1 else ref
                    returned = tx.find(f"{prefix}:RtrInf", NS) is not None
                    result[(iban, key)] = (amount(tx, path_amount), sign, returned)
    return result


def test_camt053_balances_add_up(company: Path) -> None:
    previous_closing: dict[str, Decimal] = {}
    files = sorted((company / "landing" / "bank").glob("camt053_*.xml"), key=lambda p: p.name[-14:])
    assert files
    for path in files:
        stmt = etree.parse(str(path)).find(".//c:Stmt", NS)
        balances = {
            b.findtext("c:Tp/c:CdOrPrtry/c:Cd", namespaces=NS): signed(
                amount(b, "c:Amt"), b.findtext("c:CdtDbtInd", namespaces=NS)
            )
            for b in stmt.iterfind("c:Bal", NS)
        }
        total = Decimal(0)
        for entry in stmt.iterfind("c:Ntry", NS):
            value = amount(entry, "c:Amt")
            assert (
                sum(amount(tx, "c:Amt") for tx in entry.iterfind("c:NtryDtls/c:TxDtls", NS))
                == value
            )
            assert entry.findtext("c:Sts/c:Cd", namespaces=NS) == "BOOK"
            total += signed(value, entry.findtext("c:CdtDbtInd", namespaces=NS))
        assert balances["OPBD"] + total == balances["CLBD"], path.name
        iban = stmt.findtext("c:Acct/c:Id/c:IBAN", namespaces=NS)
        if iban in previous_closing:
            assert previous_closing[iban] == balances["OPBD"], path.name
        previous_closing[iban] = balances["CLBD"]
    assert len(previous_closing) == 3  # main EUR, GBP and CHF accounts


def test_camt053_has_debits_returns_and_structured_references(company: Path) -> None:
    text = b"".join(p.read_bytes() for p in (company / "landing" / "bank").glob("camt053_*.xml"))
    assert b"<CdtDbtInd>DBIT</CdtDbtInd>" in text
    assert b"<RtrInf><Rsn><Cd>" in text
    assert b"<Cd>SCOR</Cd>" in text


def test_camt054_payouts_are_batches(company: Path) -> None:
    batches = 0
    for path in (company / "landing" / "bank").glob("camt054_psp_*.xml"):
        for entry in etree.parse(str(path)).iterfind(".//n:Ntry", NS):
            txs = entry.findall("n:NtryDtls/n:TxDtls", NS)
            total = sum(amount(tx, "n:AmtDtls/n:TxAmt/n:Amt") for tx in txs)
            assert total == amount(entry, "n:Amt")
            batches += len(txs) > 1
    assert batches > 0


def mt940_statements(path: Path) -> list[dict]:
    """Balances, :61: entries (mark, amount, bank reference), raw lines and joined :86: fields."""
    statements, current = [], None
    for line in path.read_bytes().decode("ascii").split("\r\n"):
        if line.startswith(":20:"):
            current = {"entries": [], "lines": [], "details": []}
            statements.append(current)
        if current is None or not line:
            continue
        current["lines"].append(line)
        if line.startswith(":86:"):
            current["details"].append(line[4:])
        elif not line.startswith(":") and line != "-":
            current["details"][-1] += line
        if line[:5] in (":60F:", ":60M:", ":62F:", ":62M:"):
            sign = 1 if line[5] == "C" else -1
            current[line[1:3]] = sign * Decimal(line[15:].replace(",", "."))
        if line.startswith(":61:"):
            m = re.match(r":61:\d{6}\d{4}(RC|RD|C|D)([\d,]+)N(\w{3})(.*)//(\S+)$", line)
            assert m, line
            current["entries"].append(
                (m.group(1), Decimal(m.group(2).replace(",", ".")), m.group(5))
            )
    return statements


def test_mt940_balances_add_up_and_lines_fit(company: Path) -> None:
    files = sorted((company / "landing" / "bank").glob("mt940_*.sta"))
    assert files
    previous = None
    for path in files:
        for statement in mt940_statements(path):
            moves = sum(a if mark in ("C", "RD") else -a for mark, a, _ in statement["entries"])
            assert statement["60"] + moves == statement["62"], path.name
            if previous is not None:
                assert previous == statement["60"]
            previous = statement["62"]
            for line in statement["lines"]:
                content = line[4:] if line.startswith(":86:") else line
                assert len(content) <= 65 or line.startswith(":61:"), line
            for details in statement["details"]:
                assert len(details) <= 6 * 65
                for sub in re.findall(r"\?(?:2\d|3[23])([^?]*)", details):
                    assert len(sub) <= 27, sub


# --------------------------------------------------------------------------- identifiers


def valid_vat(vat_id: str) -> bool:
    if vat_id.startswith("CHE"):
        return ch_vat.is_valid(vat_id)
    if vat_id.startswith("GB"):
        return gb_vat.is_valid(vat_id)
    return eu_vat.is_valid(vat_id)


def test_ibans_vat_ids_and_rf_references_are_valid(company: Path) -> None:
    customers = customers_of(company)
    for row in customers:
        assert IBAN(row["iban"]).compact, row
        if row["customer_type"] == "B2B":
            assert valid_vat(row["vat_id"]), row["vat_id"]
        else:
            assert row["vat_id"] == ""
    bank = company / "landing" / "bank"
    bank_text = "".join(p.read_text("utf-8") for p in bank.glob("*.xml"))
    details = [d for p in bank.glob("*.sta") for s in mt940_statements(p) for d in s["details"]]
    ibans = set(re.findall(r"<IBAN>([A-Z0-9]+)</IBAN>", bank_text))
    ibans |= {m for d in details for m in re.findall(r"\?31([A-Z0-9]+)", d)}
    assert len(ibans) > 20
    for iban in ibans:
        IBAN(iban)
    references = [d["payment_reference"] for d in documents_of(company) if d["payment_reference"]]
    references += re.findall(r"<Ref>([^<]+)</Ref>", bank_text)
    assert references
    assert all(iso11649.is_valid(r) for r in references)


# --------------------------------------------------------------------------- truth


def test_truth_explains_every_customer_credit(company: Path) -> None:
    transactions = camt_transactions(company)
    for path in (company / "landing" / "bank").glob("mt940_*.sta"):
        iban = re.search(r":25:(\S+)", path.read_bytes().decode("ascii")).group(1)
        for statement in mt940_statements(path):
            for mark, value, ref in statement["entries"]:
                transactions[(iban, ref)] = (
                    value,
                    "CRDT" if mark in ("C", "RD") else "DBIT",
                    mark == "RC",
                )
    truth = read_csv(company / "truth" / "bank_payments.csv")
    rows = defaultdict(list)
    for row in truth:
        rows[(row["account_iban"], row["bank_reference"])].append(row)
    kinds = {row["kind"] for row in truth}
    assert {"full", "partial", "multi", "overpayment", "return", "other"} <= kinds
    for key, group in rows.items():
        value, sign, returned = transactions[key]
        total = sum(Decimal(r["amount"]) for r in group)
        if group[0]["kind"] == "return":
            assert sign == "DBIT" and returned and -total == value, key
        elif any(r["kind"] == "overpayment" for r in group):
            assert sign == "CRDT" and 0 < total < value, key
        else:
            assert sign == "CRDT" and total == value, key
    credits = {k for k, (_, sign, _) in transactions.items() if sign == "CRDT"}
    assert credits <= set(rows), "a bank credit without truth"


def test_open_items_balance_with_documents_and_payments(company: Path) -> None:
    """Every euro: invoices - credit notes - applied payments = what is still open."""
    documents = documents_of(company)
    erp = [r for p in (company / "landing" / "erp").glob("payments_*.csv") for r in read_csv(p)]
    truth = read_csv(company / "truth" / "bank_payments.csv")
    open_items = read_csv(company / "truth" / "open_items.csv")
    for currency in ("EUR", "CHF", "GBP"):
        currency_docs = {d["document_id"]: d for d in documents if d["currency"] == currency}
        billed = sum(
            Decimal(d["amount"]) * (1 if d["document_type"] == "invoice" else -1)
            for d in currency_docs.values()
        )
        paid = sum(Decimal(r["amount"]) for r in truth if r["document_id"] in currency_docs)
        paid += sum(Decimal(r["amount"]) for r in erp if r["document_id"] in currency_docs)
        still_open = sum(Decimal(o["open_amount"]) for o in open_items if o["currency"] == currency)
        assert billed - paid == still_open, currency


def test_documents_and_customers_are_consistent(company: Path) -> None:
    customers = {row["customer_id"] for row in customers_of(company)}
    documents = documents_of(company)
    ids = {d["document_id"] for d in documents}
    assert len(ids) == len(documents)
    by_id = {d["document_id"]: d for d in documents}
    for d in documents:
        assert d["customer_id"] in customers
        assert re.fullmatch(r"(RE|GS)-\d{4}-\d{6}", d["document_id"])
        assert Decimal(d["amount"]) > 0
        if d["document_type"] == "credit_note":
            invoice = by_id[d["applies_to_document_id"]]
            assert invoice["customer_id"] == d["customer_id"]
    share = sum(d["document_type"] == "credit_note" for d in documents) / len(documents)
    assert 0.01 < share < 0.08
    personalities = read_csv(company / "truth" / "personalities.csv")
    assert {p["customer_id"] for p in personalities} == customers
    assert {p["personality"] for p in personalities} == set(PERSONALITIES)


def test_bureau_reports_see_insolvency(company: Path) -> None:
    personality = {
        p["customer_id"]: p["personality"]
        for p in read_csv(company / "truth" / "personalities.csv")
    }
    rows = [r for p in (company / "landing" / "bureau").glob("*.csv") for r in read_csv(p)]
    insolvent = {r["customer_id"] for r in rows if r["insolvency"] == "true"}
    assert insolvent and all(personality[c] == "insolvent" for c in insolvent)
    for path in (company / "landing" / "bureau").glob("*.json"):
        records = json.loads(path.read_text())
        assert all(r["customer_id"] is None and r["vat_id"] for r in records)


# --------------------------------------------------------------------------- ingestion accepts it


def test_ingestion_parsers_accept_erp_bureau_and_ops_files(company: Path) -> None:
    customers = customers_of(company)
    known = {c["customer_id"] for c in customers}
    vat_ids = {
        re.sub(r"[^A-Z0-9]", "", c["vat_id"].upper()): c["customer_id"]
        for c in customers
        if c["vat_id"]
    }
    for path in sorted((company / "landing" / "erp").iterdir()):
        table = parse_erp(path.read_bytes(), path.name, known)
        assert table.rows or path.name.startswith("payments_")
    for path in sorted((company / "landing" / "bureau").iterdir()):
        assert parse_bureau(path.read_bytes(), path.name, known, vat_ids)
    events = parse_ops_events(
        (company / "landing/ops/events_crm.csv").read_bytes(), "events_crm.csv", known
    )
    assert {"dispute_opened", "dispute_resolved", "promise", "dunning_block"} <= {
        e["type"] for e in events
    }


def test_bank_parsers_accept_every_file_and_find_every_truth_reference(company: Path) -> None:
    parsed = {}
    for path in sorted((company / "landing" / "bank").iterdir()):
        parse = parse_mt940 if path.suffix == ".sta" else parse_camt
        result = parse(path.read_bytes(), path.name, strict=True)
        assert not result.warnings, path.name
        for tx in result.transactions:
            parsed[(tx.account_iban, tx.bank_reference)] = tx
    truth = read_csv(company / "truth" / "bank_payments.csv")
    for row in truth:
        tx = parsed[(row["account_iban"], row["bank_reference"])]
        assert tx.is_return == (row["kind"] == "return")
        assert tx.direction == ("debit" if row["kind"] == "return" else "credit")


# --------------------------------------------------------------------------- committed sample


def test_committed_sample_is_small_and_current(tmp_path: Path) -> None:
    manifest_path = SAMPLE_DIR / "manifest.json"
    if not manifest_path.exists():
        pytest.skip("seeds/sample has not been generated")
    manifest = json.loads(manifest_path.read_text())
    assert (
        sum(f["bytes"] for f in manifest["files"]) + manifest_path.stat().st_size <= SAMPLE_BUDGET
    )
    generate_company(tmp_path)  # the defaults the sample was made with
    assert (tmp_path / "manifest.json").read_text() == manifest_path.read_text(), (
        "seeds/sample is stale: regenerate it with generate_company(SAMPLE_DIR)"
    )
    for entry in manifest["files"]:
        assert (
            hashlib.sha256((SAMPLE_DIR / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
        )
