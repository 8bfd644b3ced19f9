"""The plug-in points of the clinic apps, typed, and their one discovery.

An app plugs into the shared pages by providing, in its own package, any of:

===============  ===========================================================  ===========
module           provides                                                     Protocol
===============  ===========================================================  ===========
``sections.py``  ``patient_section(request, patient) -> Section | None``      SectionsModule
``export.py``    ``SECTION: str`` and ``export(patient) -> list | dict``      ExportModule
``demo.py``      ``load(ctx: DemoContext) -> None`` (idempotent)              DemoModule
``urls.py``      ``urlpatterns`` (included at the site root)                  UrlsModule
``api.py``       ``router: ninja.Router`` (mounted at /api/)                  ApiModule
``fhir_bundle``  ``FHIR_ORDER: int``, ``fhir_resources(patient, subject)``    FhirBundleModule
``relief.py``    ``observed_relief_days(patient, nerve_code) -> list[float]`` ReliefModule
===============  ===========================================================  ===========

(``relief.py``: an app that observes relief (followup) tells the apps below it (the
treatment plans) how long this patient's earlier sessions on a nerve relieved them, so
their relief prediction is the patient's own, without an import up the app map.)

(``fhir_bundle.py``: an app above followup adding resources to the patient's FHIR bundle,
which followup builds.)

Every app is visited in INSTALLED_APPS order (which follows the app map, lowest first:
a demo loader can count on the data of the apps below it). Nothing here imports an app:
the shared pages (``web``, ``site``, ``api``) call these functions.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.apps import apps

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.urls import URLPattern, URLResolver
    from ninja import Router

PACKAGE = "cryoneuro."


@dataclass
class Section:
    """A block on the patient page."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@runtime_checkable
class SectionsModule(Protocol):
    def patient_section(self, request: HttpRequest, patient: Any) -> Section | None: ...


@runtime_checkable
class ExportModule(Protocol):
    SECTION: str

    def export(self, patient: Any) -> list[Any] | dict[str, Any]: ...


class DemoContext(Protocol):
    """What a demo loader gets (implemented by cryoneuro.web.demo.DemoContext)."""

    log: list[str]

    def user(self, username: str) -> Any: ...

    @property
    def physician(self) -> Any: ...

    def first_time(self, key: str) -> bool: ...

    def ensure_account(
        self, username: str, role: str, first: str, last: str, *, totp: bool
    ) -> Any: ...


@runtime_checkable
class DemoModule(Protocol):
    def load(self, ctx: DemoContext) -> None: ...


@runtime_checkable
class UrlsModule(Protocol):
    urlpatterns: Sequence[URLPattern | URLResolver]


@runtime_checkable
class ApiModule(Protocol):
    router: Router


@runtime_checkable
class FhirBundleModule(Protocol):
    FHIR_ORDER: int

    def fhir_resources(self, patient: Any, subject: dict[str, Any]) -> list[tuple[str, dict]]: ...


@runtime_checkable
class ReliefModule(Protocol):
    def observed_relief_days(self, patient: Any, nerve_code: str) -> list[float]: ...


def app_modules(submodule: str) -> Iterator[ModuleType]:
    """``<app>.<submodule>`` of every cryoneuro app that has one, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not config.name.startswith(PACKAGE):
            continue
        name = f"{config.name}.{submodule}"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise


def plugins(submodule: str, protocol: Any) -> list[Any]:
    """The app modules ``submodule``, each checked against its (runtime-checkable)
    Protocol: a module that does not provide what the point needs is a programming error,
    said at once. (``protocol`` is typed Any: mypy refuses a Protocol class as a
    ``type[...]`` argument; the typed wrappers below give the precise types.)"""
    found = []
    for module in app_modules(submodule):
        if not isinstance(module, protocol):
            raise TypeError(f"{module.__name__} does not provide {protocol.__name__}")
        found.append(module)
    return found


def patient_sections(request: HttpRequest, patient: Any) -> list[Section]:
    sections = []
    modules: list[SectionsModule] = plugins("sections", SectionsModule)
    for module in modules:
        section = module.patient_section(request, patient)
        if section is not None:
            sections.append(section)
    return sorted(sections, key=lambda s: s.order)


def patient_export_sections(patient: Any) -> dict[str, Any]:
    modules: list[ExportModule] = plugins("export", ExportModule)
    return {module.SECTION: module.export(patient) for module in modules}


def demo_loaders() -> list[DemoModule]:
    return plugins("demo", DemoModule)


def url_modules() -> list[UrlsModule]:
    return plugins("urls", UrlsModule)


def api_routers() -> list[Router]:
    modules: list[ApiModule] = plugins("api", ApiModule)
    return [module.router for module in modules]


def fhir_bundle_parts() -> list[FhirBundleModule]:
    return plugins("fhir_bundle", FhirBundleModule)


def observed_relief_days(patient: Any, nerve_code: str) -> list[float]:
    """Days each earlier session of ``patient`` on ``nerve_code`` relieved them (oldest
    first), from the apps that observe relief; [] when none does or nothing is known."""
    modules: list[ReliefModule] = plugins("relief", ReliefModule)
    out: list[float] = []
    for module in modules:
        out.extend(module.observed_relief_days(patient, nerve_code))
    return out
