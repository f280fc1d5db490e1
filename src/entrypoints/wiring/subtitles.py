"""Subtitles: projects, members, tracks, cues, sync, and the project's media."""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from application.use_cases.media import project_media
from application.use_cases.subtitles import cast, cues, invitations, lexicon, members, projects, sync, tracks
from entrypoints.wiring.use_case import UseCase, WriteUseCase


class SubtitlesContainer(containers.DeclarativeContainer):
    core: providers.DependenciesContainer = providers.DependenciesContainer()
    external: providers.DependenciesContainer = providers.DependenciesContainer()
    voice: providers.DependenciesContainer = providers.DependenciesContainer()
    unit_of_work: Any = core.unit_of_work
    clock: Any = core.clock
    ids: Any = core.ids

    codec: Any = core.subtitle_codec

    list_projects = UseCase(projects.ListProjects, unit_of_work)
    get_project = UseCase(projects.GetProject, unit_of_work)
    # a pending video's fill job is queued with its project
    create_project = WriteUseCase(projects.CreateProject, core.queued_unit_of_work, clock, ids, external.video_catalog)
    update_project = WriteUseCase(projects.UpdateProject, unit_of_work, clock)
    delete_project = WriteUseCase(projects.DeleteProject, unit_of_work, clock)
    list_members = UseCase(members.ListMembers, unit_of_work, clock)
    invite_member = WriteUseCase(
        members.InviteMember, unit_of_work, clock, ids, ttl_hours=core.settings.provided.invitation_ttl_hours
    )
    list_my_invitations = UseCase(invitations.ListMyInvitations, unit_of_work, clock)
    accept_invitation = WriteUseCase(invitations.AcceptInvitation, unit_of_work, clock)
    decline_invitation = WriteUseCase(invitations.DeclineInvitation, unit_of_work, clock)
    revoke_invitation = WriteUseCase(invitations.RevokeInvitation, unit_of_work)
    remove_member = WriteUseCase(members.RemoveMember, unit_of_work)
    list_tracks = UseCase(tracks.ListTracks, unit_of_work)
    get_track = UseCase(tracks.GetTrack, unit_of_work)
    create_track = WriteUseCase(tracks.CreateTrack, unit_of_work, clock, ids)
    upload_track = WriteUseCase(tracks.UploadTrack, unit_of_work, clock, ids, codec)
    update_track = WriteUseCase(tracks.UpdateTrack, unit_of_work, clock)
    delete_track = WriteUseCase(tracks.DeleteTrack, unit_of_work, clock)
    export_track = UseCase(tracks.ExportTrack, unit_of_work, codec)
    list_cues = UseCase(cues.ListCues, unit_of_work)
    get_cue = UseCase(cues.GetCue, unit_of_work)
    create_cue = WriteUseCase(cues.CreateCue, unit_of_work, clock, ids)
    update_cue = WriteUseCase(cues.UpdateCue, unit_of_work, clock)
    delete_cue = WriteUseCase(cues.DeleteCue, unit_of_work, clock)
    push_changes = WriteUseCase(sync.PushChanges, unit_of_work, clock)
    pull_changes = UseCase(sync.PullChanges, unit_of_work)
    upload_media = UseCase(
        project_media.UploadMedia,
        unit_of_work,
        voice.blob_store,
        voice.media_probe,
        clock,
        ids,
        max_bytes=core.settings.provided.max_media_bytes,
    )
    list_media = UseCase(project_media.ListMedia, unit_of_work)
    get_cast = UseCase(cast.GetCast, unit_of_work)
    get_lexicon = UseCase(lexicon.GetLexicon, unit_of_work)
    put_lexicon = WriteUseCase(lexicon.PutLexicon, unit_of_work, clock)
    put_cast = WriteUseCase(cast.PutCast, unit_of_work, clock, voice.speech_synthesizers)
    delete_media = WriteUseCase(project_media.DeleteMedia, unit_of_work, voice.blob_store)
