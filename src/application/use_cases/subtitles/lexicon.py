"""A project's pronunciation lexicon: members read it, editors and owners replace it (If-Match, audited)."""

from __future__ import annotations

from uuid import UUID

from application.actor import Actor
from application.errors import PreconditionFailed
from application.ports.clock import Clock
from application.ports.lexicons import StoredLexicon
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.use_cases.subtitles.common import audit_changes, check_version, end_read, project_for
from domain.lexicon import Lexicon
from domain.projects import ProjectAction


class GetLexicon:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, project_id: UUID) -> StoredLexicon:
        async with self._uow as uow:
            await project_for(uow, actor, project_id, ProjectAction.READ)
            stored = await uow.lexicons.get(project_id)
            await end_read(uow)
        return stored or StoredLexicon(lexicon=Lexicon(), version=0)


class PutLexicon:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(
        self, actor: Actor, project_id: UUID, lexicon: Lexicon, *, expected_version: int | None
    ) -> StoredLexicon:
        async with self._uow as uow:
            await project_for(uow, actor, project_id, ProjectAction.EDIT, for_update=True)
            stored = await uow.lexicons.get(project_id)
            if stored is not None and expected_version is None:
                raise PreconditionFailed(
                    "the project has a lexicon: send If-Match with its ETag to replace it", code="if_match_required"
                )
            check_version(expected_version, stored.version if stored else 0, "lexicon")
            version = (stored.version if stored else 0) + 1
            now = self._clock.now()
            await uow.lexicons.put(project_id, lexicon, version=version, at=now)
            changes = audit_changes(
                project_id,
                entries={"from": len(stored.lexicon.entries) if stored else 0, "to": len(lexicon.entries)},
                version=version,
            )
            await uow.audit.record(actor, "lexicon.updated", "project", project_id, changes, trace_id=actor.trace_id)
            await uow.commit()
        return StoredLexicon(lexicon=lexicon, version=version, updated_at=now)
