"""How clinic apps add to shared pages without editing them.

Each clinic app may provide, in its own package:

- ``sections.py`` with ``patient_section(request, patient) -> Section | None``: a block on
  the patient page (the app checks permissions and audits its own reads);
- ``export.py`` with ``SECTION: str`` and ``export(patient) -> list | dict``: its part of
  the patient's own data export (JSON);
- ``demo.py`` with ``load(ctx: DemoContext) -> None``: idempotent demo data.

Apps are visited in INSTALLED_APPS order.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.apps import apps


@dataclass
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def app_modules(submodule: str) -> Iterator[ModuleType]:
    for config in apps.get_app_configs():
        if not config.name.startswith("cryoneuro."):
            continue
        try:
            yield importlib.import_module(f"{config.name}.{submodule}")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.{submodule}":
                raise


def patient_sections(request, patient) -> list[Section]:
    sections = []
    for module in app_modules("sections"):
        section = module.patient_section(request, patient)
        if section is not None:
            sections.append(section)
    return sorted(sections, key=lambda s: s.order)


def patient_export_sections(patient) -> dict[str, Any]:
    return {module.SECTION: module.export(patient) for module in app_modules("export")}
