"""Whether the media a render names can carry what the render asks (checked when it is asked for, and
again by whoever runs it), and which of the original's audio streams the voice goes over."""

from __future__ import annotations

from domain.errors import DomainError
from domain.media import Media, choose_audio_stream, uncopyable_video
from domain.render_options import RenderOptions


class MediaUnfit(DomainError):
    code = "media_unfit"


class VideoNotCopyable(DomainError):
    """The container cannot carry the source's video codec, and video is never re-encoded."""

    code = "container_unsupported_video"


def bed_stream_for(options: RenderOptions, original: Media | None, stem: Media | None) -> int | None:
    """The index of the original's audio stream a voiceover ducks (None for other mixes); raises when
    the media cannot serve the format or the mix."""
    if options.is_container:
        if original is None or not original.has_video:
            raise MediaUnfit(f"format {options.format!r} needs a video; the media is audio only", field="media_id")
        refused = uncopyable_video(options.format, original.streams)
        if refused:
            codecs = ", ".join(sorted({s.codec for s in refused}))
            raise VideoNotCopyable(
                f"{options.format} cannot carry the {codecs} video and video is never re-encoded; use mkv",
                field="format",
            )
    if options.mix == "replace" and (stem is None or not stem.audio_streams):
        raise MediaUnfit("the music-and-effects stem has no audio", field="music_effects_id")
    if options.mix != "voiceover":
        return None
    if original is None or not original.audio_streams:
        raise MediaUnfit("the voiceover mix needs the original's audio; the media has none", field="media_id")
    return choose_audio_stream(original, options.source_language).index
