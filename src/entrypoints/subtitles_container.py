"""The subtitles area's providers (projects, members, tracks, cues, sync) as a sub-container."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from dependency_injector import containers, providers

from adapters.postgres.retry import RetryingUseCase
from application.use_cases.media import project_media
from application.use_cases.subtitles import cast, cues, lexicon, members, projects, sync, tracks


def _with_retries(use_case: Any) -> Any:
    """The same use case (handlers declare its class), its `execute` re-run on serialization failure or deadlock."""
    use_case.execute = RetryingUseCase(SimpleNamespace(execute=use_case.execute)).execute
    return use_case


def retrying(factory: Any, *deps: Any) -> providers.Factory[Any]:
    """A write use case, re-run in a fresh transaction on a transient collision (S-DB-6)."""
    return providers.Factory(_with_retries, providers.Factory(factory, *deps))


class SubtitlesContainer(containers.DeclarativeContainer):
    unit_of_work: providers.Dependency[Any] = providers.Dependency()
    # The same, with the job queue on its transaction (a pending video's fill job is queued with its project).
    queued_unit_of_work: providers.Dependency[Any] = providers.Dependency()
    clock: providers.Dependency[Any] = providers.Dependency()
    ids: providers.Dependency[Any] = providers.Dependency()
    video_catalog: providers.Dependency[Any] = providers.Dependency(default=None)  # None: Dailymotion disabled
    synthesizers: providers.Dependency[Any] = providers.Dependency(default={})  # the enabled speech engines
    blob_store: providers.Dependency[Any] = providers.Dependency()
    media_probe: providers.Dependency[Any] = providers.Dependency()
    max_media_bytes: providers.Dependency[Any] = providers.Dependency(instance_of=int)

    codec: providers.Dependency[Any] = providers.Dependency()

    list_projects = providers.Factory(projects.ListProjects, unit_of_work)
    get_project = providers.Factory(projects.GetProject, unit_of_work)
    create_project = retrying(projects.CreateProject, queued_unit_of_work, clock, ids, video_catalog)
    update_project = retrying(projects.UpdateProject, unit_of_work, clock)
    delete_project = retrying(projects.DeleteProject, unit_of_work, clock)
    list_members = providers.Factory(members.ListMembers, unit_of_work)
    add_member = retrying(members.AddMember, unit_of_work, clock)
    remove_member = retrying(members.RemoveMember, unit_of_work)
    list_tracks = providers.Factory(tracks.ListTracks, unit_of_work)
    get_track = providers.Factory(tracks.GetTrack, unit_of_work)
    create_track = retrying(tracks.CreateTrack, unit_of_work, clock, ids)
    upload_track = retrying(tracks.UploadTrack, unit_of_work, clock, ids, codec)
    update_track = retrying(tracks.UpdateTrack, unit_of_work, clock)
    delete_track = retrying(tracks.DeleteTrack, unit_of_work, clock)
    export_track = providers.Factory(tracks.ExportTrack, unit_of_work, codec)
    list_cues = providers.Factory(cues.ListCues, unit_of_work)
    get_cue = providers.Factory(cues.GetCue, unit_of_work)
    create_cue = retrying(cues.CreateCue, unit_of_work, clock, ids)
    update_cue = retrying(cues.UpdateCue, unit_of_work, clock)
    delete_cue = retrying(cues.DeleteCue, unit_of_work, clock)
    push_changes = retrying(sync.PushChanges, unit_of_work, clock)
    pull_changes = providers.Factory(sync.PullChanges, unit_of_work)
    get_cast = providers.Factory(cast.GetCast, unit_of_work)
    put_cast = retrying(cast.PutCast, unit_of_work, clock, synthesizers)
    upload_media = providers.Factory(
        project_media.UploadMedia, unit_of_work, blob_store, media_probe, clock, ids, max_bytes=max_media_bytes
    )
    list_media = providers.Factory(project_media.ListMedia, unit_of_work)
    delete_media = retrying(project_media.DeleteMedia, unit_of_work, blob_store)
    get_lexicon = providers.Factory(lexicon.GetLexicon, unit_of_work)
    put_lexicon = retrying(lexicon.PutLexicon, unit_of_work, clock)


USE_CASES = tuple(
    name
    for name in SubtitlesContainer.providers
    if name
    not in {
        "unit_of_work",
        "queued_unit_of_work",
        "clock",
        "ids",
        "codec",
        "video_catalog",
        "blob_store",
        "media_probe",
        "max_media_bytes",
        "synthesizers",
    }
)
