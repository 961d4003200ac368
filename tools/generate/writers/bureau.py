"""Bureau files: Creditreform as CSV (customer id and VAT id), CRIF as a JSON array that
identifies customers by VAT id only (``customer_id`` null)."""

from __future__ import annotations

import csv
import io
import json

from tools.generate.bureau import BureauReport

COLUMNS = (
    "customer_id",
    "vat_id",
    "bureau",
    "report_date",
    "score",
    "score_scale",
    "rating_class",
    "probability_of_default",
    "recommended_limit",
    "insolvency",
    "negative_features",
)


def bureau_csv(reports: list[BureauReport]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in reports:
        writer.writerow(
            [
                r.customer_id or "",
                r.vat_id,
                r.bureau,
                r.report_date.isoformat(),
                r.score,
                r.score_scale,
                r.rating_class,
                f"{r.probability_of_default}",
                f"{r.recommended_limit:.2f}",
                "true" if r.insolvency else "false",
                "; ".join(r.negative_features),
            ]
        )
    return buffer.getvalue().encode()


def bureau_json(reports: list[BureauReport]) -> bytes:
    """Numbers stay JSON numbers; written from their exact decimal text, never via float."""
    records = []
    for r in reports:
        records.append(
            "  {"
            f'"customer_id": null, "vat_id": {json.dumps(r.vat_id)}, "bureau": "{r.bureau}", '
            f'"report_date": "{r.report_date.isoformat()}", "score": {r.score}, '
            f'"score_scale": {json.dumps(r.score_scale)}, "rating_class": "{r.rating_class}", '
            f'"probability_of_default": {r.probability_of_default}, '
            f'"recommended_limit": {r.recommended_limit:.2f}, '
            f'"insolvency": {"true" if r.insolvency else "false"}, '
            f'"negative_features": {json.dumps(list(r.negative_features), ensure_ascii=False)}'
            "}"
        )
    return ("[\n" + ",\n".join(records) + "\n]\n").encode()
