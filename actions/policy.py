"""Dunning procedures as configuration: ``actions/procedures/<name>.yaml`` (one procedure
each) and ``actions/procedures/assignment.yaml`` (which customer gets which procedure).

Everything is validated on load; an error names the file and the key
(``standard_b2b.yaml: steps[2].channel: 'fax' is not one of ...``). The step columns the
warehouse needs are the dbt seed ``seeds/reference/lookups/dunning_steps.csv``: ``seed_rows``
produces it from the YAML, and ``python -m actions.policy --check`` (or
``--write-seed``) keeps both in agreement.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from core.settings import PROJECT_ROOT, SEEDS_DIR

PROCEDURES_DIR = Path(__file__).resolve().parent / "procedures"
ASSIGNMENT_FILE = "assignment.yaml"
SEED_FILE = SEEDS_DIR / "reference" / "lookups" / "dunning_steps.csv"

ACTIONS = ("reminder", "dunning", "final_notice", "phone_call", "agency_handover")
CHANNELS = ("email", "letter", "email+letter", "phone")
RULE_ATTRIBUTES = ("customer_type", "segment", "risk_class")
SEED_COLUMNS = (
    "procedure",
    "step_number",
    "level",
    "offset_days",
    "action",
    "channel",
    "fee_amount",
    "requires_approval",
    "min_amount",
    "min_days_since_last_contact",
    "template",
    "law",
)


KIND_NAMES = {
    int: "a whole number",
    bool: "true or false",
    str: "a text",
    float: "a number",
    list: "a list",
    dict: "a mapping",
}


class ProcedureConfigError(ValueError):
    """A procedure or assignment file is invalid; the message names file and key."""


@dataclass(frozen=True)
class Step:
    number: int
    level: int
    offset_days: int  # from the due date; negative: a friendly reminder before it
    action: str
    channel: str
    requires_approval: bool
    fee: Decimal  # EUR, per notice
    min_amount: Decimal  # EUR, open amount of the item
    min_days_since_last_contact: int
    template: str
    charge_interest: bool = False
    charge_flat_fee: bool = False
    payment_days: int = 10  # the deadline printed on the notice

    @property
    def channels(self) -> tuple[str, ...]:
        """The deliveries of the step: ``email+letter`` is two."""
        return tuple(self.channel.split("+"))

    @property
    def is_reminder(self) -> bool:
        return self.level == 0


@dataclass(frozen=True)
class Procedure:
    name: str
    description: str
    law: str
    steps: tuple[Step, ...]
    source: Path

    def step_for_level(self, level: int) -> Step | None:
        return next((s for s in self.steps if s.level == level), None)

    def next_step(self, reached_level: int | None) -> Step | None:
        """The lowest step above ``reached_level`` (None: nothing sent yet)."""
        floor = -1 if reached_level is None else reached_level
        return next((s for s in self.steps if s.level > floor), None)


@dataclass(frozen=True)
class Rule:
    procedure: str
    when: Mapping[str, tuple[str, ...]]

    def matches(self, customer: Mapping[str, object]) -> bool:
        return all(
            str(customer.get(key) or "").strip().upper() in {v.upper() for v in values}
            for key, values in self.when.items()
        )


@dataclass(frozen=True)
class Policy:
    procedures: Mapping[str, Procedure]
    rules: tuple[Rule, ...]
    default: str
    overrides: Mapping[str, str] = field(default_factory=dict)

    def procedure(self, name: str) -> Procedure:
        try:
            return self.procedures[name]
        except KeyError:
            raise ProcedureConfigError(
                f"unknown procedure {name!r}; configured: {', '.join(sorted(self.procedures))}"
            ) from None

    def assign(self, customer: Mapping[str, object]) -> tuple[str, str]:
        """(procedure, why) for a customer (``customer_id``, ``customer_type``,
        ``segment``, ``risk_class``): a manual override, else the first matching rule."""
        customer_id = str(customer.get("customer_id") or "")
        if customer_id in self.overrides:
            return self.overrides[customer_id], "manual override"
        for rule in self.rules:
            if rule.matches(customer):
                why = ", ".join(f"{k} {customer.get(k)}" for k in rule.when)
                return rule.procedure, f"rule: {why}"
        return self.default, "default"


def load_policy(folder: Path = PROCEDURES_DIR) -> Policy:
    """Every procedure file and the assignment rules in ``folder``, validated."""
    procedures = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == ASSIGNMENT_FILE:
            continue
        procedure = _parse_procedure(_read(path), path)
        procedures[procedure.name] = procedure
    if not procedures:
        raise ProcedureConfigError(f"{_display(folder)}: no procedure files (*.yaml)")
    return _parse_assignment(_read(folder / ASSIGNMENT_FILE), folder / ASSIGNMENT_FILE, procedures)


def _read(path: Path) -> object:
    if not path.exists():
        raise ProcedureConfigError(f"{_display(path)}: file missing")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProcedureConfigError(f"{_display(path)}: not valid YAML: {exc}") from None


class _Reader:
    """Typed access to one mapping of a file, with errors naming file and key."""

    def __init__(self, path: Path, mapping: object, prefix: str = ""):
        self.where = _display(path)
        self.prefix = prefix
        if not isinstance(mapping, dict):
            self.fail("", "must be a mapping")
        self.mapping = mapping

    def fail(self, key: str, problem: str):
        raise ProcedureConfigError(f"{self.where}: {self.prefix}{key}: {problem}")

    def get(self, key: str, kind: type | tuple[type, ...], default: object = ...) -> object:
        if key not in self.mapping:
            if default is ...:
                self.fail(key, "missing")
            return default
        value = self.mapping[key]
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            kinds = kind if isinstance(kind, tuple) else (kind,)
            self.fail(key, f"{value!r} is not {' or '.join(KIND_NAMES[k] for k in kinds)}")
        return value

    def money(self, key: str) -> Decimal:
        value = self.get(key, (str, int, float))
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            self.fail(key, f"{value!r} is not an amount")
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            self.fail(key, f"{value!r} must be >= 0 with at most two decimals")
        return amount.quantize(Decimal("0.01"))

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.get(key, str)
        if value not in choices:
            self.fail(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def unknown_keys(self, known: tuple[str, ...]) -> None:
        extra = sorted(set(self.mapping) - set(known))
        if extra:
            self.fail(extra[0], f"unknown key (known: {', '.join(known)})")


STEP_KEYS = (
    "step",
    "level",
    "offset_days",
    "action",
    "channel",
    "requires_approval",
    "fee",
    "min_amount",
    "min_days_since_last_contact",
    "template",
    "charge_interest",
    "charge_flat_fee",
    "payment_days",
)


def _parse_procedure(doc: object, path: Path) -> Procedure:
    top = _Reader(path, doc)
    top.unknown_keys(("procedure", "description", "law", "steps"))
    name = top.get("procedure", str)
    if name != path.stem:
        top.fail("procedure", f"{name!r} must match the file name {path.stem!r}")
    raw_steps = top.get("steps", list)
    if not raw_steps:
        top.fail("steps", "at least one step is needed")
    steps = tuple(_parse_step(path, raw, index) for index, raw in enumerate(raw_steps))
    for index, (before, after) in enumerate(itertools.pairwise(steps), start=1):
        where = _Reader(path, {}, f"steps[{index}].")
        if after.number != before.number + 1:
            where.fail("step", f"{after.number} must follow {before.number}")
        if after.level <= before.level:
            where.fail("level", f"{after.level} must be above {before.level}")
        if after.offset_days <= before.offset_days:
            where.fail("offset_days", f"{after.offset_days} must be after {before.offset_days}")
    if steps[0].number != 1:
        _Reader(path, {}, "steps[0].").fail("step", "numbering starts at 1")
    return Procedure(
        name=name,
        description=str(top.get("description", str, "")),
        law=str(top.get("law", str, "de")),
        steps=steps,
        source=path,
    )


def _parse_step(path: Path, raw: object, index: int) -> Step:
    r = _Reader(path, raw, f"steps[{index}].")
    r.unknown_keys(STEP_KEYS)
    level = r.get("level", int)
    offset = r.get("offset_days", int)
    action = r.choice("action", ACTIONS)
    channel = r.choice("channel", CHANNELS)
    if not 0 <= level <= 9:
        r.fail("level", f"{level} is not between 0 and 9")
    if level == 0 and (action != "reminder" or offset > 0):
        r.fail("level", "level 0 is the friendly reminder on or before the due date")
    if (channel == "phone") != (action == "phone_call"):
        r.fail("channel", "phone is the channel of a phone_call, and only of it")
    step = Step(
        number=r.get("step", int),
        level=level,
        offset_days=offset,
        action=action,
        channel=channel,
        requires_approval=r.get("requires_approval", bool),
        fee=r.money("fee"),
        min_amount=r.money("min_amount"),
        min_days_since_last_contact=r.get("min_days_since_last_contact", int),
        template=r.get("template", str),
        charge_interest=r.get("charge_interest", bool, False),
        charge_flat_fee=r.get("charge_flat_fee", bool, False),
        payment_days=r.get("payment_days", int, 10),
    )
    if step.min_days_since_last_contact < 0 or step.payment_days < 0:
        r.fail("min_days_since_last_contact", "days must not be negative")
    if not step.template.replace("_", "").isalnum():
        r.fail("template", f"{step.template!r}: letters, digits and _ only")
    return step


def _parse_assignment(doc: object, path: Path, procedures: dict[str, Procedure]) -> Policy:
    top = _Reader(path, doc)
    top.unknown_keys(("overrides", "rules", "default"))

    def known(key: str, name: object) -> str:
        if name not in procedures:
            top.fail(key, f"{name!r} is not a procedure ({', '.join(sorted(procedures))})")
        return str(name)

    overrides = top.get("overrides", dict, {}) or {}
    for customer_id, name in overrides.items():
        known(f"overrides.{customer_id}", name)
    rules = []
    for index, raw in enumerate(top.get("rules", list, [])):
        r = _Reader(path, raw, f"rules[{index}].")
        r.unknown_keys(("procedure", "when"))
        name = known(f"rules[{index}].procedure", r.get("procedure", str))
        when = r.get("when", dict)
        for attribute, values in when.items():
            if attribute not in RULE_ATTRIBUTES:
                r.fail(f"when.{attribute}", f"unknown attribute ({', '.join(RULE_ATTRIBUTES)})")
            if not isinstance(values, list) or not values:
                r.fail(f"when.{attribute}", "must be a non-empty list of values")
        rules.append(Rule(name, {k: tuple(str(v) for v in vs) for k, vs in when.items()}))
    default = known("default", top.get("default", str))
    return Policy(
        procedures=procedures,
        rules=tuple(rules),
        default=default,
        overrides={str(k): str(v) for k, v in overrides.items()},
    )


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


# --- the dbt seed ---------------------------------------------------------------------


def seed_rows(policy: Policy) -> list[dict[str, str]]:
    """The rows of ``dunning_steps.csv`` the YAML implies, as the seed's text."""
    rows = []
    for procedure in policy.procedures.values():
        for s in procedure.steps:
            values = (
                procedure.name,
                s.number,
                s.level,
                s.offset_days,
                s.action,
                s.channel,
                f"{s.fee:.2f}",
                str(s.requires_approval).lower(),
                f"{s.min_amount:.2f}",
                s.min_days_since_last_contact,
                s.template,
                procedure.law,
            )
            rows.append(dict(zip(SEED_COLUMNS, map(str, values), strict=True)))
    return sorted(rows, key=lambda r: (r["procedure"], int(r["step_number"])))


def seed_text(policy: Policy) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SEED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(seed_rows(policy))
    return out.getvalue()


def read_seed(path: Path = SEED_FILE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return sorted(rows, key=lambda r: (r["procedure"], int(r["step_number"])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Keep dunning_steps.csv in step with the YAML.")
    parser.add_argument("--write-seed", action="store_true", help="rewrite the seed from YAML")
    args = parser.parse_args(argv)
    policy = load_policy()
    if args.write_seed:
        SEED_FILE.write_text(seed_text(policy), encoding="utf-8")
        print(f"wrote {_display(SEED_FILE)}")
        return 0
    if read_seed() != seed_rows(policy):
        print(f"{_display(SEED_FILE)} differs from {_display(PROCEDURES_DIR)}", file=sys.stderr)
        return 1
    print("seed and procedures agree")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
