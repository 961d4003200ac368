"""Templates: both languages for every step and channel, escaping, strictness, the sandbox,
locale formatting, real PDF letters in the DIN 5008 layout, the GiroCode."""

from __future__ import annotations

import base64
import copy
import io
from datetime import date
from decimal import Decimal as D

import pytest
import segno.helpers
from jinja2.exceptions import SecurityError, UndefinedError
from PIL import Image
from stdnum import iso11649

from actions import rendering
from actions.company import load_company
from actions.girocode import epc_qr, is_rf_reference, rf_reference
from actions.policy import load_policy

COMPANY = load_company()
AS_OF = date(2026, 3, 16)
MM = 96 / 25.4  # CSS px per millimetre


def item(document_id="RE-2026-000101", open_amount="1234.56", interest="12.34", **extra):
    row = {
        "document_id": document_id,
        "issue_date": date(2026, 1, 15),
        "due_date": date(2026, 2, 14),
        "days_past_due": 30,
        "currency": "EUR",
        "open_amount": D(open_amount),
        "interest_amount": D(interest) if interest is not None else None,
        "interest_status": "known" if interest is not None else "none",
        "interest_from": date(2026, 2, 15),
        "interest_note": None,
        "earlier_fees": D("0.00"),
        "flat_fee": D("40.00"),
    }
    return row | extra


def action(template="dunning_level_2", channel="letter", language="de", level=2, **extra):
    row = {
        "action_id": "DA-0123456789AB",
        "as_of_date": AS_OF,
        "entity": "FW01",
        "channel": channel,
        "level": level,
        "action": "dunning",
        "template": template,
        "procedure": "standard_b2b",
        "language": language,
        "currency": "EUR",
        "notice_fee": D("5.00"),
        "payload": {
            "customer": {
                "id": "C10001",
                "name": "Beispiel & Söhne GmbH",
                "street": "Lindenallee 5",
                "postal_code": "50667",
                "city": "Köln",
                "country": "DE",
                "email": "ap@beispiel.example",
                "phone": "+49 221 555",
                "party": "business",
            },
            "locale": "de_DE" if language == "de" else "en_GB",
            "reference": "RF382024000030",
            "payment_days": 10,
            "agency": {"id": "inkasso_nord", "name": "Inkasso Nord GmbH"},
            "task": {},
        },
    }
    return row | extra


def context(act=None, items=None):
    return rendering.build_context(act or action(), items or [item()], COMPANY)


def all_steps():
    seen = set()
    for procedure in load_policy().procedures.values():
        for step in procedure.steps:
            for channel in step.channels:
                seen.add((step.template, channel, step.level, step.action))
    return sorted(seen)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(("template", "channel", "level", "step_action"), all_steps())
def test_every_step_renders_in_both_languages(language, template, channel, level, step_action):
    act = action(template, channel, language, level, action=step_action)
    out = rendering.render(context(act))
    assert out.subject and "\n" not in out.subject
    body = out.html_body or out.text_body
    assert "RE-2026-000101" in body
    if channel == "email":
        assert "RE-2026-000101" in out.text_body and "<html" in out.html_body
    if channel == "letter":
        assert "Beispiel &amp; Söhne GmbH" in out.html_body


def test_tone_rises_with_the_level():
    subjects = [
        rendering.render(context(action(t, "letter", "de", lvl))).subject
        for t, lvl in (("dunning_level_1", 1), ("dunning_level_2", 2), ("final_notice", 3))
    ]
    assert subjects[0].startswith("Zahlungserinnerung")
    assert subjects[1].startswith("2. Mahnung")
    assert subjects[2].startswith("Letzte Mahnung")


def test_customer_name_is_escaped_in_html_but_not_in_text():
    act = action(channel="email")
    act["payload"]["customer"]["name"] = "<script>alert(1)</script>"
    act["payload"]["customer"]["party"] = "consumer"
    out = rendering.render(context(act))
    assert "<script>" not in out.html_body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out.html_body
    assert "<script>alert(1)</script>" in out.text_body  # plain text: shown as written


def test_a_missing_field_fails_instead_of_rendering_empty():
    ctx = context()
    broken = copy.deepcopy(ctx)
    del broken["customer"]["name"]
    with pytest.raises(UndefinedError, match="name"):
        rendering.render(broken)


def test_templates_cannot_reach_python_internals():
    env = rendering.environment()
    with pytest.raises(SecurityError):
        env.from_string("{{ x.__class__.__mro__[1].__subclasses__() }}").render(x="")


def test_amounts_and_dates_follow_the_locale():
    de = rendering.render(context(action(channel="email"))).text_body
    assert "1.234,56\xa0€" in de and "14.02.2026" in de and "26. März 2026" in de
    en = rendering.render(context(action(channel="email", language="en"))).text_body
    assert "€1,234.56" in en and "14 Feb 2026" in en and "26 March 2026" in en


def test_unknown_interest_is_marked_and_left_out_of_the_total():
    unknown = item(interest=None, interest_status="unknown", interest_note="2026-07-01: no rate")
    ctx = context(action(channel="email"), [unknown])
    assert ctx["totals"]["interest_unknown"] and ctx["totals"]["unknown_from"] == date(2026, 7, 1)
    assert ctx["totals"]["total"] == D("1234.56") + D("40.00") + D("5.00")
    text = " ".join(rendering.render(ctx).text_body.split())
    assert "Zinsen *" in text
    assert "für die mit * markierten Rechnungen berechnen wir gesondert" in text
    assert "Basiszinssatz ab dem 1. Juli 2026 veröffentlicht ist" in text
    assert "nicht enthalten" in text


def test_letter_is_a_real_pdf_in_din_5008_form_b():
    html = rendering.render(context()).html_body
    pdf = rendering.letter_pdf(html)
    assert pdf.startswith(b"%PDF-")
    document = rendering.letter_document(html)
    assert len(document.pages) == 1
    boxes = {}

    def walk(box):
        element = getattr(box, "element", None)
        if element is not None and element.get("class") and element.get("class") not in boxes:
            boxes[element.get("class")] = box
        if getattr(box, "element_tag", None) == "img":
            boxes["img"] = box
        for child in getattr(box, "children", []):
            walk(child)

    walk(document.pages[0]._page_box)

    def at(name):
        box = boxes[name]
        return round(box.position_x / MM, 1), round(box.position_y / MM, 1)

    assert at("address-field") == (20.0, 45.0)  # window of a DL envelope, form B
    assert round(boxes["address-field"].width / MM, 1) == 85.0
    assert at("info-block") == (125.0, 50.0)
    assert at("fold-mark fold-1") == (5.0, 105.0)
    assert at("hole-mark") == (5.0, 148.5)
    assert at("fold-mark fold-2") == (5.0, 210.0)
    # the GiroCode is drawn (an image, not its alt text), 30 mm wide, not interpolated
    assert type(boxes["img"].replacement).__name__ == "RasterImage"
    assert round(boxes["img"].width / MM) == 30
    assert boxes["img"].style["image_rendering"] == "pixelated"
    assert b"/Interpolate false" in pdf


def _text_boxes(box):
    if type(box).__name__ == "TextBox":
        yield box
    for child in getattr(box, "children", []):
        yield from _text_boxes(child)


def test_letter_footer_and_page_number_do_not_overlap():
    page = rendering.letter_document(rendering.render(context()).html_body).pages[0]._page_box
    margin = {getattr(b, "at_keyword", None): list(_text_boxes(b)) for b in page.children}
    footer, number = margin["@bottom-left"], margin["@bottom-right"]
    assert "forderungen@forderwerk.example" in [t.text for t in footer]
    assert [t.text for t in number] == ["1 / 1"]  # one line, never wrapped
    assert max(t.position_x + t.width for t in footer) <= min(t.position_x for t in number)


def test_a_long_letter_runs_over_pages():
    items = [item(document_id=f"RE-2026-{n:06d}") for n in range(60)]
    html = rendering.render(context(items=items)).html_body
    document = rendering.letter_document(html)
    assert len(document.pages) >= 2
    assert rendering.letter_pdf(html).startswith(b"%PDF-")


def test_letter_carries_the_girocode_for_the_total():
    ctx = context()
    # 1234.56 + 12.34 interest + 40.00 flat fee + 5.00 dunning fee
    assert ctx["payment"]["amount"] == D("1291.90")
    uri = ctx["payment"]["qr"]
    assert uri.startswith("data:image/png;base64,")
    # one pixel per module, a four-module quiet zone: exactly the symbol of the payload
    qr = epc_qr(
        name=COMPANY.entity("FW01").name,
        iban=ctx["payment"]["iban"],
        amount=D("1291.90"),
        reference="RF382024000030",
        bic=ctx["payment"]["bic"],
    )
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("1")
    size = len(qr.matrix) + 8
    assert image.size == (size, size)
    dark = [[image.getpixel((x, y)) == 0 for x in range(size)] for y in range(size)]
    assert dark[4 : size - 4] == [
        [False] * 4 + [bool(m) for m in row] + [False] * 4 for row in qr.matrix
    ]
    no_qr = context(action(channel="letter", currency="CHF"))
    assert no_qr["payment"]["qr"] is None  # EPC QR codes are for euros only


def test_girocode_payload_is_epc069_12():
    """The symbol is segno's EPC helper's, on the payload EPC069-12 prescribes (read back
    with the helper's own payload function: segno writes EUR1291.9 for 1291.90, valid)."""
    fields = {
        "name": "Forderwerk Handels GmbH",
        "iban": "DE95 3704 0044 4711 0022 00",
        "amount": D("1291.90"),
        "reference": "RF38 2024 0000 30",
        "bic": "COBADEFFXXX",
    }
    qr = epc_qr(**fields)
    assert qr.version <= 13 and qr.error == "M"
    payload = segno.helpers._make_epc_qr_data(
        name="Forderwerk Handels GmbH",
        iban="DE95370400444711002200",
        amount=D("1291.90"),
        reference="RF382024000030",
        bic="COBADEFFXXX",
        encoding="utf-8",
    )
    assert payload.decode("utf-8").split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "COBADEFFXXX",
        "Forderwerk Handels GmbH",
        "DE95370400444711002200",
        "EUR1291.9",
        "",
        "RF382024000030",
    ]
    assert list(qr.matrix) == list(segno.make_qr(payload, error="m", boost_error=False).matrix)


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("amount", D("0.00"), "amount"),
        ("amount", D("1000000000.00"), "amount"),
        ("amount", D("1.234"), "amount"),
        ("reference", "RF19539007547034", "ISO 11649"),
        ("iban", "DE95370400444711002201", "IBAN"),
        ("name", " ", "name"),
        ("bic", "COBADEFF1", "BIC"),
    ],
)
def test_girocode_refuses_what_the_standard_does_not_allow(field, bad, message):
    fields = {
        "name": "X",
        "iban": "DE95370400444711002200",
        "amount": D("10.00"),
        "reference": "RF18539007547034",
        "bic": "COBADEFFXXX",
    }
    with pytest.raises(ValueError, match=message):
        epc_qr(**(fields | {field: bad}))


def test_rf_references_are_iso_11649():
    assert rf_reference("2024000030") == "RF382024000030"
    assert iso11649.is_valid(rf_reference("C10047 260316 2"))
    assert is_rf_reference("RF18 5390 0754 7034")
    assert not is_rf_reference("RF19539007547034")


def test_render_workers_give_what_the_engine_renders_alone_in_order(monkeypatch):
    """30 notices (letters and e-mails, one with a template that does not exist) in two
    worker processes: same texts in the same order as in-process, the broken one reported
    by its error, real PDFs for the letters."""
    from actions.engine import EngineConfig
    from actions.render_pool import render_all

    notices, items = [], {}
    for n in range(30):
        act = action(
            action_id=f"DA-{n:012d}",
            channel="letter" if n % 10 == 0 else "email",
            language="de" if n % 2 else "en",
        )
        if n == 7:
            act["template"] = "no_such_template"
        notices.append(act)
        items[act["action_id"]] = [item(open_amount=f"{100 + n}.00")]
    outputs = {}
    for workers in ("0", "2"):
        monkeypatch.setenv("FORDERWERK_RENDER_WORKERS", workers)
        outputs[workers] = list(render_all(notices, items, COMPANY, EngineConfig()))
    alone, pooled = outputs["0"], outputs["2"]
    assert [r.action_id for r in pooled] == [a["action_id"] for a in notices]
    assert [r.error for r in pooled] == [r.error for r in alone]
    assert pooled[7].content is None and "no_such_template" in pooled[7].error
    for mine, theirs in zip(alone, pooled, strict=True):
        if mine.content is not None:
            assert theirs.content["text_body"] == mine.content["text_body"]
            assert theirs.content["html_body"] == mine.content["html_body"]
            assert (theirs.content["pdf"] or b"%PDF-")[:5] == b"%PDF-"
    assert sum(1 for r in pooled if r.content and r.content["pdf"]) == 3  # n = 0, 10, 20


def test_the_deadline_moves_past_a_holiday_at_the_debtors_place():
    """As of 15 Dec 2026 with ten days to pay: Fri 25 Dec is Christmas Day, then the second
    day of Christmas and Sunday, so a German debtor pays by Mon 28 Dec (BGB §193). The same
    notice to a debtor in an unknown country: weekends only, Fri 25 Dec stands."""
    act = action(as_of_date=date(2026, 12, 15))
    assert context(act)["notice"]["pay_by"] == date(2026, 12, 28)
    assert "28. Dezember 2026" in rendering.render(context(act)).html_body
    act["payload"]["customer"]["country"] = "XX"
    assert context(act)["notice"]["pay_by"] == date(2026, 12, 25)
