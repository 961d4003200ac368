"""Master-data identifiers checked with python-stdnum: a VAT id that fails its country's
rules is loaded as given, with a warning on the file naming line and field (a customer
is not refused for a typo in a field the receivables do not depend on; a silent pass
would hide it from whoever keeps the master data)."""

from __future__ import annotations

from types import ModuleType

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.util import get_cc_module

from orchestration.ingest.errors import Issue

#: the prefixes of EU VAT ids (Greece writes EL; XI is Northern Ireland)
_EU_PREFIXES = frozenset(code.upper() for code in eu_vat.MEMBER_STATES) | {"EL"}


def _rules(vat_id: str, country: str | None) -> ModuleType | None:
    """stdnum's module for the id: the EU's by its prefix, else the customer's country's
    (CHE-... MWST for CH, GB... for GB); None where stdnum knows no rules."""
    if vat_id[:2].upper() in _EU_PREFIXES:
        return eu_vat
    return get_cc_module(country.lower(), "vat") if country else None


def vat_id_problem(vat_id: str, country: str | None) -> str | None:
    """Why ``vat_id`` is not a valid VAT id for a customer in ``country``, or None (also
    when stdnum knows no rules for that country: nothing is claimed then)."""
    rules = _rules(vat_id, country)
    if rules is None:
        return None
    try:
        rules.validate(vat_id)
    except ValidationError as exc:
        return f"{vat_id!r} is not a valid VAT id ({exc}); loaded as given"
    return None


def vat_id_warnings(rows: list[dict[str, object]], file_name: str) -> list[Issue]:
    """A warning per customer row whose ``vat_id`` fails its rules."""
    out = []
    for row in rows:
        vat_id = row.get("vat_id")
        if not vat_id:
            continue
        country = row.get("country")
        problem = vat_id_problem(str(vat_id), str(country) if country else None)
        if problem:
            out.append(Issue(file_name, str(row["_line"]), "vat_id", problem))
    return out
