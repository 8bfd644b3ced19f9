"""Give every recorded analgesic a route (MME by route, docs/clinical/scores.md).

Before this migration an intake was ``{drug, daily_dose}`` and every opioid was converted
with a single factor: a plain ``"fentanyl"`` as a patch (200 -> 480 MME/day), the others
as oral. The route was never asked, so it is not known. The safe treatment chosen:

* a name that states the route keeps it: ``fentanyl_transdermal`` / ``fentanyl_patch`` /
  ``fentanyl_transdermique`` (the old form's "fentanyl transdermal" choice, dose in µg/h)
  -> ``transdermal``, MME unchanged (2.4 per µg/h);
* every other row -> ``route: "unknown"``; for an opioid the MME is then *not computed*
  (``mme_per_day: None``, ``reason_code: "route_unknown"``), the response's total is
  ``None`` and the pages say why. Nothing is guessed, nothing is lost: the figure the old
  code computed is kept beside it as ``mme_per_day_before_routes``;
* non-opioids stay at 0 MME (the route does not change that).

The logic is frozen here (no import of the current clinical layer). Reversible: the
reverse drops the routes and puts the old figures back.
"""

from __future__ import annotations

import unicodedata

from django.db import migrations

_ROUTE_IN_NAME = {
    "fentanyl_transdermal": "transdermal",
    "fentanyl_patch": "transdermal",
    "fentanyl_transdermique": "transdermal",
}
_OPIOIDS_2026 = {
    "buprenorphine",
    "codeine",
    "fentanyl",
    "hydrocodone",
    "hydromorphone",
    "methadone",
    "morphine",
    "oxycodone",
    "oxymorphone",
    "tapentadol",
    "tramadol",
    *_ROUTE_IN_NAME,
}


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    return "_".join(text.strip().lower().replace("-", " ").split())


def _unit(key: str, route: str) -> str:
    if key.startswith("fentanyl"):
        return "mcg/h" if route == "transdermal" else "mcg/day"
    return "mg/day"


def add_routes(apps, schema_editor):
    Response = apps.get_model("followup", "QuestionnaireResponse")
    for response in Response.objects.exclude(answers={}).iterator():
        rows = response.answers.get("analgesics")
        if not isinstance(rows, list) or all(
            isinstance(r, dict) and "route" in r for r in rows
        ):
            continue
        old_scores = (response.scores or {}).get("analgesics") or {}
        old_drugs = old_scores.get("drugs") or []
        new_rows, per_drug = [], []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                continue
            key = _key(row.get("drug", ""))
            route = row.get("route") or _ROUTE_IN_NAME.get(key, "unknown")
            new_rows.append({**row, "route": route})
            old = old_drugs[i] if i < len(old_drugs) and isinstance(old_drugs[i], dict) else {}
            before = old.get("mme_per_day")
            entry = {
                "drug": row.get("drug"),
                "route": route,
                "daily_dose": row.get("daily_dose"),
                "unit": _unit(key, route),
                "mme_per_day": None,
                "reason": "",
                "reason_code": "",
                "mme_per_day_before_routes": before,
            }
            if key not in _OPIOIDS_2026:
                entry["mme_per_day"] = 0.0
            elif route == "transdermal" and before is not None:
                entry["mme_per_day"] = before
            else:
                entry["reason"] = (
                    f"{key}: route not recorded (answered before routes were asked); "
                    "the MME depends on the route and is not computed"
                )
                entry["reason_code"] = "route_unknown"
            per_drug.append(entry)
        unavailable = [d for d in per_drug if d["mme_per_day"] is None]
        total = (
            None
            if unavailable
            else round(sum(d["mme_per_day"] for d in per_drug if d["mme_per_day"]), 3)
        )
        response.answers = {**response.answers, "analgesics": new_rows}
        if response.scores and "analgesics" in response.scores:
            response.scores = {
                **response.scores,
                "analgesics": {
                    "drugs": per_drug,
                    "mme_per_day": total,
                    "mme_per_day_before_routes": old_scores.get("mme_per_day"),
                    "unavailable": [
                        {"drug": d["drug"], "route": d["route"], "reason_code": d["reason_code"]}
                        for d in unavailable
                    ],
                    "note": "; ".join(d["reason"] for d in unavailable),
                },
            }
            response.mme_per_day = total
        response.save(update_fields=["answers", "scores", "mme_per_day"])


def drop_routes(apps, schema_editor):
    Response = apps.get_model("followup", "QuestionnaireResponse")
    for response in Response.objects.exclude(answers={}).iterator():
        rows = response.answers.get("analgesics")
        if not isinstance(rows, list):
            continue
        response.answers = {
            **response.answers,
            "analgesics": [
                {k: v for k, v in r.items() if k != "route"} if isinstance(r, dict) else r
                for r in rows
            ],
        }
        scores = (response.scores or {}).get("analgesics")
        if isinstance(scores, dict) and "mme_per_day_before_routes" in scores:
            drugs = [
                {
                    "drug": d["drug"],
                    "daily_dose": d["daily_dose"],
                    "mme_per_day": d.get("mme_per_day_before_routes"),
                }
                for d in scores.get("drugs", [])
            ]
            response.scores = {
                **response.scores,
                "analgesics": {"drugs": drugs, "mme_per_day": scores["mme_per_day_before_routes"]},
            }
            response.mme_per_day = scores["mme_per_day_before_routes"]
        response.save(update_fields=["answers", "scores", "mme_per_day"])


class Migration(migrations.Migration):
    dependencies = [("followup", "0002_initial")]

    operations = [migrations.RunPython(add_routes, drop_routes)]
