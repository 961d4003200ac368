"""Procedures as configuration: loading, validation errors, assignment rules, and agreement
with the dbt seed and the templates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from actions import policy as pol
from actions.rendering import TEMPLATES_DIR, available_languages

POLICY = pol.load_policy()


def test_the_four_procedures_load():
    assert set(POLICY.procedures) == {"standard_b2b", "strict_high_risk", "key_account", "consumer"}
    for procedure in POLICY.procedures.values():
        assert procedure.steps[0].level == 0 and procedure.steps[0].offset_days < 0
    assert all(s.requires_approval for s in POLICY.procedure("key_account").steps)


def test_yaml_and_dbt_seed_agree():
    """seeds/reference/lookups/dunning_steps.csv is what the YAML says (fix with
    `python -m actions.policy --write-seed`)."""
    assert pol.read_seed() == pol.seed_rows(POLICY)


def test_interest_and_flat_fee_claims_follow_the_warehouse_rule():
    """fct_dunning_proposals claims interest from level 1 for businesses and from level 2
    for consumers (the first notice puts them in default), the flat fee with the first
    written step of a business procedure; the YAML flags say the same."""
    for procedure in POLICY.procedures.values():
        consumer = procedure.name == "consumer"
        written = [s for s in procedure.steps if s.level >= 1 and s.channel != "phone"]
        for step in procedure.steps:
            assert step.charge_interest == (step.level >= (2 if consumer else 1)), step
            assert step.charge_flat_fee == (not consumer and step is written[0]), step


def test_every_template_exists_in_every_language():
    languages = available_languages()
    assert {"de", "en"} <= set(languages)
    for language in languages:
        for procedure in POLICY.procedures.values():
            for step in procedure.steps:
                assert (TEMPLATES_DIR / language / "steps" / f"{step.template}.j2").exists(), (
                    language,
                    step.template,
                )


@pytest.mark.parametrize(
    ("customer", "procedure"),
    [
        ({"customer_type": "B2C", "segment": "b2c", "risk_class": "E"}, "consumer"),
        ({"customer_type": "B2C", "segment": None, "risk_class": "A"}, "consumer"),
        ({"customer_type": "B2B", "segment": "key_account", "risk_class": "D"}, "strict_high_risk"),
        ({"customer_type": "B2B", "segment": "key_account", "risk_class": "B"}, "key_account"),
        ({"customer_type": "B2B", "segment": "b2b", "risk_class": "C"}, "standard_b2b"),
        ({"customer_type": None, "segment": None, "risk_class": None}, "standard_b2b"),
    ],
)
def test_assignment_rules(customer, procedure):
    assert POLICY.assign({"customer_id": "C1", **customer})[0] == procedure


def copy_config(tmp_path: Path) -> Path:
    folder = tmp_path / "procedures"
    shutil.copytree(pol.PROCEDURES_DIR, folder)
    return folder


def test_manual_override_wins(tmp_path: Path):
    folder = copy_config(tmp_path)
    text = (
        (folder / "assignment.yaml")
        .read_text()
        .replace("overrides: {}", "overrides:\n  C4711: key_account")
    )
    (folder / "assignment.yaml").write_text(text)
    policy = pol.load_policy(folder)
    customer = {"customer_id": "C4711", "customer_type": "B2B", "segment": "b2b"}
    assert policy.assign(customer) == ("key_account", "manual override")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "standard_b2b.yaml",
            "channel: email+letter",
            "channel: fax",
            r"standard_b2b\.yaml: steps\[2\]\.channel: 'fax' is not one of",
        ),
        (
            "consumer.yaml",
            'fee: "2.50"',
            'fee: "2.505"',
            r"consumer\.yaml: steps\[2\]\.fee: '2\.505' must be >= 0 with at most two decimals",
        ),
        (
            "key_account.yaml",
            "offset_days: 60",
            "offset_days: 20",
            r"key_account\.yaml: steps\[3\]\.offset_days: 20 must be after 30",
        ),
        (
            "strict_high_risk.yaml",
            "min_days_since_last_contact: 5\n    template: dunning_level_1",
            "min_days_since_last_contact: five\n    template: dunning_level_1",
            r"strict_high_risk\.yaml: steps\[1\]\.min_days_since_last_contact: "
            r"'five' is not a whole number",
        ),
        (
            "standard_b2b.yaml",
            "    template: final_notice\n",
            "    template: final_notice\n    colour: red\n",
            r"standard_b2b\.yaml: steps\[3\]\.colour: unknown key",
        ),
        (
            "assignment.yaml",
            "procedure: strict_high_risk",
            "procedure: strict",
            r"assignment\.yaml: rules\[2\]\.procedure: 'strict' is not a procedure",
        ),
        (
            "assignment.yaml",
            "risk_class: [D, E]",
            "risk: [D, E]",
            r"assignment\.yaml: rules\[2\]\.when\.risk: unknown attribute",
        ),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, file, old, new, message):
    folder = copy_config(tmp_path)
    text = (folder / file).read_text()
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1))
    with pytest.raises(pol.ProcedureConfigError, match=message):
        pol.load_policy(folder)


def test_procedure_name_must_match_file(tmp_path: Path):
    folder = copy_config(tmp_path)
    (folder / "consumer.yaml").rename(folder / "private.yaml")
    with pytest.raises(pol.ProcedureConfigError, match=r"private\.yaml: procedure: 'consumer'"):
        pol.load_policy(folder)


def test_seed_check_command(capsys):
    assert pol.main([]) == 0
    assert "agree" in capsys.readouterr().out
