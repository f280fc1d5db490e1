"""A short-lived link to play one render in a media element, which cannot send a bearer header.

The link's token is signed like an access token and carries the caller's identity, token epoch and session, so
each ranged request goes through the same authentication (signing out ends it) and the same project check as a
download with the header. It opens only that render's downloads, for a few minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from application.actor import Actor
from application.ports.clock import Clock
from application.ports.security import AccessTokens
from application.use_cases.renders.read_renders import GetRender

PLAYBACK_TTL = timedelta(minutes=10)


class PlaybackToken(msgspec.Struct, frozen=True, kw_only=True):
    render_id: UUID
    token: str
    expires_at: datetime
    video: bool  # the render is a video container: its `/video` download is the one to play
    with_media: bool  # made over an original media file (`/original` serves it)


class IssuePlaybackToken:
    def __init__(self, get_render: GetRender, tokens: AccessTokens, clock: Clock) -> None:
        self._get_render, self._tokens, self._clock = get_render, tokens, clock

    async def execute(self, actor: Actor, bearer: str, render_id: UUID) -> PlaybackToken:
        """`bearer` is the access token the request was authenticated with (the actor's)."""
        render = await self._get_render.execute(actor, render_id)  # 404 for outsiders, like a download
        issued = self._tokens.issue_playback(self._tokens.verify(bearer), render_id, PLAYBACK_TTL)
        return PlaybackToken(
            render_id=render_id,
            token=issued.token,
            expires_at=self._clock.now() + timedelta(seconds=issued.expires_in),
            video=render.options.is_container,
            with_media=render.options.media_id is not None,
        )
