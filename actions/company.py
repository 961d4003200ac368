"""Our creditor data (``actions/company.yaml``): who the notices come from, where to pay,
and which collection agency takes a claim over."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from core.settings import PROJECT_ROOT

COMPANY_FILE = Path(__file__).resolve().parent / "company.yaml"
ENTITY_KEYS = (
    "name",
    "street",
    "postal_code",
    "city",
    "country",
    "email",
    "phone",
    "website",
    "vat_id",
    "register",
    "managing_directors",
    "creditor_id",
    "contact",
)


class CompanyConfigError(ValueError):
    """company.yaml is invalid; the message names file and key."""


@dataclass(frozen=True)
class Account:
    currency: str
    iban: str
    bic: str
    bank: str


@dataclass(frozen=True)
class Entity:
    entity_id: str
    name: str
    street: str
    postal_code: str
    city: str
    country: str
    email: str
    phone: str
    website: str
    vat_id: str
    register: str
    managing_directors: str
    creditor_id: str
    contact: str
    accounts: dict[str, Account]

    def account_for(self, currency: str) -> Account | None:
        return self.accounts.get(currency.upper())

    def as_context(self) -> dict[str, str]:
        """What a template may see of us."""
        return {key: getattr(self, key) for key in ENTITY_KEYS}


@dataclass(frozen=True)
class Agency:
    agency_id: str
    name: str
    countries: tuple[str, ...]


@dataclass(frozen=True)
class Company:
    entities: dict[str, Entity]
    default_entity: str
    agencies: tuple[Agency, ...]

    def entity(self, entity_id: str | None) -> Entity:
        return self.entities.get(entity_id or "", self.entities[self.default_entity])

    def agency_for(self, country: str | None) -> Agency:
        code = (country or "").upper()
        for agency in self.agencies:
            if code in agency.countries:
                return agency
        return next(a for a in self.agencies if not a.countries)


def load_company(path: Path = COMPANY_FILE) -> Company:
    where = _display(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CompanyConfigError(f"{where}: cannot read: {exc}") from None

    def fail(key: str, problem: str):
        raise CompanyConfigError(f"{where}: {key}: {problem}")

    if not isinstance(doc, dict) or not isinstance(doc.get("entities"), dict):
        fail("entities", "missing (a mapping of entity id to creditor data)")
    entities = {}
    for entity_id, raw in doc["entities"].items():
        if not isinstance(raw, dict):
            fail(f"entities.{entity_id}", "must be a mapping")
        for key in ENTITY_KEYS:
            if not str(raw.get(key) or "").strip():
                fail(f"entities.{entity_id}.{key}", "missing")
        accounts = {}
        for currency, acc in (raw.get("accounts") or {}).items():
            key = f"entities.{entity_id}.accounts.{currency}"
            if not isinstance(acc, dict) or not acc.get("iban") or not acc.get("bic"):
                fail(key, "needs iban and bic")
            iban = str(acc["iban"]).replace(" ", "").upper()
            accounts[str(currency).upper()] = Account(
                str(currency).upper(), iban, str(acc["bic"]), str(acc.get("bank") or "")
            )
        if not accounts:
            fail(f"entities.{entity_id}.accounts", "at least one account is needed")
        entities[str(entity_id)] = Entity(
            entity_id=str(entity_id),
            **{key: str(raw[key]).strip() for key in ENTITY_KEYS},
            accounts=accounts,
        )
    default = str(doc.get("default_entity") or "")
    if default not in entities:
        fail("default_entity", f"{default!r} is not one of the entities")
    agencies = []
    for index, raw in enumerate(doc.get("agencies") or []):
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
            fail(f"agencies[{index}]", "needs id and name")
        countries = tuple(str(c).upper() for c in raw.get("countries") or ())
        agencies.append(Agency(str(raw["id"]), str(raw["name"]), countries))
    if not any(not a.countries for a in agencies):
        fail("agencies", "one agency without `countries` takes the customers of other countries")
    return Company(entities, default, tuple(agencies))


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
