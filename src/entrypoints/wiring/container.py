"""The composition root: the only place that constructs adapters, one sub-container per area."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dependency_injector import containers, providers

from application.use_cases.check_readiness import CheckReadiness
from entrypoints.settings import Settings
from entrypoints.wiring.catalogue import CatalogueContainer
from entrypoints.wiring.core import CoreContainer
from entrypoints.wiring.external import ExternalContainer
from entrypoints.wiring.identity import IdentityContainer
from entrypoints.wiring.renders import RendersContainer
from entrypoints.wiring.subtitles import SubtitlesContainer
from entrypoints.wiring.use_case import UseCase
from entrypoints.wiring.voice import VoiceContainer

AREAS = ("core", "external", "identity", "subtitles", "catalogue", "voice", "renders")


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    database_url = providers.Dependency(instance_of=str)

    core = providers.Container(CoreContainer, settings=settings, database_url=database_url)
    external = providers.Container(ExternalContainer, settings=settings)
    voice = providers.Container(VoiceContainer, settings=settings, core=core, external=external)
    identity = providers.Container(IdentityContainer, core=core)
    subtitles = providers.Container(SubtitlesContainer, core=core, external=external, voice=voice)
    catalogue = providers.Container(CatalogueContainer, core=core, external=external)
    renders = providers.Container(RendersContainer, core=core, voice=voice, identity=identity)

    check_readiness = UseCase(
        CheckReadiness,
        probes=providers.Callable(
            lambda *areas: [probe for probes in areas for probe in probes],
            core.health_probes,
            voice.health_probes,
            external.health_probes,
        ),
    )


def build_container(settings: Settings, database_url: str) -> Container:
    return Container(settings=settings, database_url=database_url)


def use_cases(container: Container) -> Iterator[tuple[str, providers.Provider[Any]]]:
    """Every use case of every area, by its provider's name (names are unique across areas)."""
    yield "check_readiness", container.check_readiness
    for area in AREAS:
        for name, provider in getattr(container, area).providers.items():
            if isinstance(provider, UseCase):
                yield name, provider
