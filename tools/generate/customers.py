"""The customer base: master data as the ERP holds it plus each customer's hidden habits."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from tools.generate import names
from tools.generate.config import COLLECTORS, CompanyConfig
from tools.generate.identifiers import random_account, vat_id
from tools.generate.model import (
    CARD,
    CHF_ACCOUNT,
    CHRONICALLY_LATE,
    DIRECT_DEBIT,
    DISPUTING,
    DRIFTING,
    GBP_ACCOUNT,
    INSOLVENT,
    MAIN,
    PSP,
    PUNCTUAL,
    SECOND,
    SLIGHTLY_LATE,
    TRANSFER,
    Customer,
    Payer,
)

COUNTRY_SHARES = (
    ("DE", 0.55),
    ("AT", 0.12),
    ("CH", 0.10),
    ("FR", 0.08),
    ("NL", 0.08),
    ("GB", 0.07),
)
B2C_SHARE = 0.15
#: Personality shares; drifting and insolvent apply to businesses only (bureau-covered).
PERSONALITY_SHARES = (
    (PUNCTUAL, 0.51),
    (SLIGHTLY_LATE, 0.26),
    (CHRONICALLY_LATE, 0.08),
    (DISPUTING, 0.07),
    (DRIFTING, 0.04),
    (INSOLVENT, 0.04),
)
REMIT_STYLES = (
    ("exact", 0.42),
    ("prefixed", 0.14),
    ("spaced", 0.08),
    ("number_only", 0.10),
    ("inv", 0.06),
    ("compact", 0.06),
    ("customer_no", 0.06),
    ("empty", 0.08),
)


def build_customers(config: CompanyConfig) -> list[Customer]:
    """``config.customers`` customers, ids C10001..., deterministic for the seed."""
    rng = config.rng("customers")
    count = config.customers
    countries = _spread(rng, COUNTRY_SHARES, count)
    used_names: set[str] = set()
    customers = []
    for index in range(count):
        country = countries[index]
        b2c = rng.random() < B2C_SHARE
        customers.append(_customer(rng, config, index, country, b2c, used_names))
    _assign_personalities(rng, customers)
    for customer in customers:
        _assign_habits(rng, config, customer)
    _ensure_bouncing_debit(customers)
    return customers


def _ensure_bouncing_debit(customers: list[Customer]) -> None:
    """At least one insolvent customer pays by direct debit, so its last debits come back, one
    direct-debit customer per account has a debit returned once, and one customer's invoices
    are partly offset in the ERP: every sample, however small, shows each case."""
    insolvent = [c for c in customers if c.personality == INSOLVENT and c.channel in (MAIN, SECOND)]
    if insolvent and not any(c.method == DIRECT_DEBIT for c in insolvent):
        insolvent[0].method = DIRECT_DEBIT
        insolvent[0].mandate_id = f"MNDT-{insolvent[0].customer_id}-01"
        insolvent[0].pays_in_runs = False
    for channel in (MAIN, SECOND):
        debtors = [
            c
            for c in customers
            if c.method == DIRECT_DEBIT and c.channel == channel and c.personality != INSOLVENT
        ]
        if debtors:
            max(debtors, key=lambda c: c.volume).return_one_debit = True
    suppliers = [c for c in customers if c.customer_type == "B2B" and c.method == TRANSFER]
    if suppliers and not any(c.offsets for c in suppliers):
        max(suppliers, key=lambda c: c.volume).offsets = True  # one customer is also a supplier


def _spread(rng: random.Random, shares: tuple[tuple[str, float], ...], count: int) -> list[str]:
    """Exactly proportional counts (largest remainder), shuffled: small samples keep the mix."""
    quotas = [(key, share * count) for key, share in shares]
    result = [key for key, q in quotas for _ in range(int(q))]
    rest = sorted(quotas, key=lambda kq: kq[1] - int(kq[1]), reverse=True)
    result += [key for key, _ in rest[: count - len(result)]]
    rng.shuffle(result)
    return result


def _language(rng: random.Random, country: str) -> str:
    if country == "CH":
        return "fr" if rng.random() < 0.3 else "de"
    if country in ("DE", "AT"):
        return "en" if rng.random() < 0.03 else "de"
    return {"FR": "fr", "NL": "nl", "GB": "en"}[country]


def _customer(
    rng: random.Random,
    config: CompanyConfig,
    index: int,
    country: str,
    b2c: bool,
    used_names: set[str],
) -> Customer:
    language = _language(rng, country)
    region = "CH-fr" if country == "CH" and language == "fr" else country
    text_language = "de" if country in ("DE", "AT", "CH") and language != "fr" else language
    text_language = "en" if country == "GB" else text_language
    postal_code, city = rng.choice(names.CITIES[region])
    street = f"{rng.choice(names.STREETS[text_language])} {rng.randint(1, 180)}"
    if text_language in ("fr",):
        street = f"{rng.randint(1, 120)} {rng.choice(names.STREETS['fr'])}"
    iban, bic = random_account(rng, country)
    currency = {"CH": "CHF", "GB": "GBP"}.get(country, "EUR")
    if b2c:
        first = rng.choice(names.FIRST_NAMES[text_language])
        last = rng.choice(names.LAST_NAMES[text_language])
        name = f"{first} {last}"  # namesakes happen among consumers
        local = names.ascii_slug(f"{first}.{last}").replace("-", ".")
        email = f"{local}@{rng.choice(names.MAIL_DOMAINS_B2C[country])}"
        vat, terms, limit = "", 14, Decimal(rng.choice((500, 1000, 1500, 2000)))
    else:
        base, form = _business_name(rng, region, text_language, city)
        base = _unique(base, used_names, rng)
        name = f"{base} {form}"
        domain = names.ascii_slug(base)[:40].strip("-")
        mailbox = rng.choice(names.ACCOUNTS_MAILBOX[text_language])
        email = f"{mailbox}@{domain}.{names.TOP_LEVEL_DOMAIN[country]}"
        vat = vat_id(rng, country)
        terms = rng.choices((14, 30, 60), weights=(0.2, 0.55, 0.25))[0]
        limit = Decimal(0)  # set once the customer's volume is known
    phone = f"{rng.choice(names.PHONE_PREFIX[country])} {rng.randint(100000, 9999999)}"
    volume = rng.lognormvariate(0, 0.8) if not b2c else rng.uniform(0.05, 0.15)
    return Customer(
        customer_id=f"C{10001 + index}",
        name=name,
        customer_type="B2C" if b2c else "B2B",
        country=country,
        language=language,
        currency=currency,
        email=email,
        phone=phone,
        street=street,
        postal_code=postal_code,
        city=city,
        vat_id=vat,
        payment_terms_days=terms,
        credit_limit=limit.quantize(Decimal("0.01")),
        collector=_collector(country, index),
        entity="FW02" if country == "CH" else "FW01",
        iban=iban,
        bic=bic,
        index=index,
        volume=volume,
    )


def _business_name(rng: random.Random, region: str, language: str, city: str) -> tuple[str, str]:
    """(name without legal form, legal form): the first also makes the mail domain."""
    trade = rng.choice(names.TRADES[language])
    last = rng.choice(names.LAST_NAMES[language])
    form = rng.choice(names.LEGAL_FORMS[region])
    pattern = rng.random()
    if pattern < 0.45:
        return f"{last} {trade}", form
    if pattern < 0.65:
        other = rng.choice(names.LAST_NAMES[language])
        joiner = {"de": "&", "fr": "et", "nl": "&", "en": "&"}[language]
        return f"{last} {joiner} {other}", form
    if pattern < 0.85:
        return f"{trade} {city.split()[0]}", form
    return (f"{last} & Söhne" if language == "de" else f"{last} {trade}"), form


#: random suffixes tried before numbering on: at 500 k customers a common name has used
#: all of its 1 000 random variants, and drawing again would never end
_RANDOM_ATTEMPTS = 200


def _unique(name: str, used: set[str], rng: random.Random) -> str:
    candidate = name
    attempts = 0
    while candidate in used and attempts < _RANDOM_ATTEMPTS:
        attempts += 1
        candidate = f"{name} {rng.choice(('Nord', 'Süd', 'West', 'Ost', 'II', 'Zentrum'))}"
        if candidate in used:
            candidate = f"{name} {rng.randint(2, 999)}"
    number = 1000
    while candidate in used:
        candidate = f"{name} {number}"
        number += 1
    used.add(candidate)
    return candidate


def _collector(country: str, index: int) -> str:
    """Collectors own regions, as in most credit departments."""
    if country in ("AT", "CH"):
        return COLLECTORS[2]
    if country in ("FR", "NL", "GB"):
        return COLLECTORS[3]
    return COLLECTORS[index % 2]


def _assign_personalities(rng: random.Random, customers: list[Customer]) -> None:
    """Quotas rather than dice, so even a small company has each kind of payer."""
    business = [c for c in customers if c.customer_type == "B2B"]
    consumers = [c for c in customers if c.customer_type == "B2C"]
    total = len(customers)
    rare = {
        p: max(1, round(share * total)) if total >= 12 else round(share * total)
        for p, share in PERSONALITY_SHARES
        if p in (DRIFTING, INSOLVENT, DISPUTING, CHRONICALLY_LATE)
    }
    order = business[:]
    rng.shuffle(order)
    # A drift or a dispute habit only shows in a customer who buys regularly.
    order.sort(key=lambda c: c.volume < 0.7)
    cursor = 0
    for personality in (INSOLVENT, DRIFTING, DISPUTING, CHRONICALLY_LATE):
        for customer in order[cursor : cursor + rare[personality]]:
            customer.personality = personality
        cursor += rare[personality]
    rest = order[cursor:] + consumers
    for customer in rest:
        customer.personality = PUNCTUAL if rng.random() < 0.64 else SLIGHTLY_LATE


def _assign_habits(rng: random.Random, config: CompanyConfig, c: Customer) -> None:
    start, end = config.start_date, config.end
    period = config.period_days
    business = c.customer_type == "B2B"
    median = rng.lognormvariate(7.5, 0.7) if business else rng.lognormvariate(5.0, 0.6)
    c.median_net_cents = max(2_000, int(median * 100))
    if business:
        raw = Decimal(c.median_net_cents * 6) / 100 * Decimal(str(round(max(1.0, c.volume), 2)))
        limit = (raw / 1000).to_integral_value(ROUND_CEILING) * 1000
        c.credit_limit = min(max(limit, Decimal(2000)), Decimal(500000)).quantize(Decimal("0.01"))
    # channel: the account the customer's payments go to
    if c.currency == "CHF":
        c.channel = CHF_ACCOUNT
    elif c.currency == "GBP":
        c.channel = GBP_ACCOUNT
    else:
        psp_share = 0.1 if business else 0.7
        roll = rng.random()
        c.channel = PSP if roll < psp_share else (MAIN if rng.random() < 0.72 else SECOND)
    c.method = CARD if c.channel == PSP else TRANSFER
    dd_allowed = c.channel in (MAIN, SECOND) and c.personality in (
        PUNCTUAL,
        SLIGHTLY_LATE,
        INSOLVENT,
    )
    if dd_allowed and rng.random() < (0.18 if business else 0.3):
        c.method = DIRECT_DEBIT
        c.mandate_id = f"MNDT-{c.customer_id}-01"
    c.pays_in_runs = (
        c.method == TRANSFER
        and business
        and (rng.random() < (0.7 if c.personality == CHRONICALLY_LATE else 0.25))
    )
    c.run_weekday = rng.choice((1, 3, 4))
    c.remit_style = rng.choices([s for s, _ in REMIT_STYLES], [w for _, w in REMIT_STYLES])[0]
    c.rf_invoices = c.entity == "FW02" or rng.random() < 0.4
    c.uses_structured = c.rf_invoices and business and rng.random() < 0.6
    if business and rng.random() < 0.05:
        parent_name = f"{c.name.split()[0]} Holding {'AG' if c.country == 'CH' else 'GmbH'}"
        if c.country in ("GB", "NL", "FR"):
            parent_name = f"{c.name.split()[0]} Group {'Ltd' if c.country == 'GB' else 'SA'}"
        c.parent = Payer(parent_name, *random_account(rng, c.country))
    if rng.random() < 0.06:
        c.alt_account = Payer(c.name, *random_account(rng, c.country))
    c.offsets = business and rng.random() < 0.03
    # life cycle
    c.active_from = start
    if rng.random() < 0.18:
        c.active_from = start + timedelta(days=int(rng.uniform(0.05, 0.85) * period))
    if c.personality == DRIFTING:
        # paying later and later for most of a year, then nothing for the last weeks
        c.active_from = min(c.active_from, start + timedelta(days=int(0.2 * period)))
        c.stop_date = _clamp(
            end - timedelta(days=rng.randint(15, 60)),
            c.active_from + timedelta(days=60),
            end - timedelta(days=10),
        )
        c.drift_start = _clamp(
            c.stop_date - timedelta(days=int(rng.uniform(0.25, 0.4) * period)),
            c.active_from + timedelta(days=20),
            c.stop_date - timedelta(days=30),
        )
        c.active_until = c.stop_date + timedelta(days=rng.randint(5, 25))  # credit hold
        c.volume *= 0.55
    elif c.personality == INSOLVENT:
        c.active_from = min(c.active_from, start + timedelta(days=int(0.2 * period)))
        c.stop_date = _clamp(
            start + timedelta(days=int(rng.uniform(0.4, 0.8) * period)),
            c.active_from + timedelta(days=45),
            end - timedelta(days=100),
        )
        c.active_until = c.stop_date + timedelta(days=rng.randint(5, 25))  # credit stop
        c.volume *= 0.45  # a failing business orders less
        c.insolvency_date = c.stop_date + timedelta(days=rng.randint(30, 80))
    elif rng.random() < 0.06:
        c.active_until = start + timedelta(days=int(rng.uniform(0.4, 0.9) * period))


def _clamp(day: date, low: date, high: date) -> date:
    if high < low:
        return low
    return min(max(day, low), high)
