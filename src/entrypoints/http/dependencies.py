"""Litestar asks, the container answers: one Provide per use case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dependency_injector import providers
from litestar.di import Provide

from entrypoints.container import Container
from entrypoints.http.auth import actor_dependency
from entrypoints.subtitles_container import USE_CASES as SUBTITLES_USE_CASES


def from_container(provider: providers.Provider[Any]) -> Provide:
    """A zero-argument Provide, so Litestar does not read the provider's *args as parameters."""

    def build() -> Any:
        return provider()

    return Provide(build, use_cache=False, sync_to_thread=False)


def dependencies(container: Container) -> dict[str, Provide]:
    providers_by_name: dict[str, Callable[[], Any] | providers.Provider[Any]] = {
        "check_readiness": container.check_readiness,
        # identity
        "register_user": container.register_user,
        "log_in": container.log_in,
        "refresh_session": container.refresh_session,
        "log_out": container.log_out,
        "get_current_user": container.get_current_user,
        "export_my_data": container.export_my_data,
        "erase_my_account": container.erase_my_account,
        "list_users": container.list_users,
        "change_user_role": container.change_user_role,
        "list_audit_logs": container.list_audit_logs,
        # catalogue (external providers)
        "search_subtitles": container.search_subtitles,
        "lookup_video": container.lookup_video,
        "list_voices": container.list_voices,
        "get_voice_sample": container.get_voice_sample,
        "request_track_import": container.request_track_import,
        # renders and jobs
        "request_render": container.request_render,
        "fit_check": container.fit_check,
        "preview_cue": container.preview_cue,
        "list_track_renders": container.list_track_renders,
        "get_render": container.get_render,
        "get_render_audio": container.get_render_audio,
        "get_render_subtitles": container.get_render_subtitles,
        "get_render_report": container.get_render_report,
        "cancel_render": container.cancel_render,
        "watch_render": container.watch_render,
        "list_jobs": container.list_jobs,
        "retry_job": container.retry_job,
    }
    providers_by_name.update({name: getattr(container.subtitles, name) for name in SUBTITLES_USE_CASES})
    provided = {name: from_container(p) for name, p in providers_by_name.items()}  # type: ignore[arg-type]
    # `actor: Actor` on any handler: the authenticated caller, or a 401 problem.
    provided["actor"] = actor_dependency(
        container.authenticate(), container.rate_limiter(), per_minute=container.settings().rate_limit_per_minute
    )
    return provided
