"""Voice rendering: speech engines, the audio pipeline, blob stores and the clip cache (no database)."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.media.pyav_deliverer import PyAvMediaDeliverer
from adapters.media.pyav_probe import PyAvMediaProbe
from adapters.storage.fs_blob_store import FsBlobStore
from adapters.storage.health import BlobStoreHealthProbe
from adapters.subtitles.render_input import CodecSubtitleFileReader
from adapters.text.lexicon_matcher import lexicon_matcher
from adapters.tts.espeak import EspeakSpeechSynthesizer
from adapters.tts.hibari import HibariSpeechSynthesizer
from application.audio_pipeline.voice_over import RenderVoiceOver
from application.ports.speech import SpeechSynthesizer
from application.use_cases.catalogue.list_voices import ListVoices
from application.use_cases.catalogue.voice_sample import GetVoiceSample
from application.use_cases.prune_clip_cache import PruneClipCache
from entrypoints.settings import Settings
from entrypoints.wiring.resources import Closes, closed_at_exit
from entrypoints.wiring.storage import blob_location, make_blob_store, make_clip_cache, make_clip_pruner
from entrypoints.wiring.use_case import UseCase


def _clip_budget_bytes(settings: Settings) -> int:
    return settings.clip_cache_mb * 1024 * 1024


def _speech_engines(*engines: SpeechSynthesizer | None) -> dict[str, SpeechSynthesizer]:
    """Every configured engine by name (the cloud ones only when they have credentials)."""
    return {engine.engine: engine for engine in engines if engine is not None}


class VoiceContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    core: providers.DependenciesContainer = providers.DependenciesContainer()
    external: providers.DependenciesContainer = providers.DependenciesContainer()

    blob_store = providers.Singleton(make_blob_store, settings)  # SUBDUB_BLOB_URL: a directory or a bucket
    file_store = providers.Factory(FsBlobStore)  # a store rooted anywhere (the CLI writes next to its output)
    clip_cache = providers.Singleton(make_clip_cache, settings)
    health_probes = providers.List(
        providers.Singleton(BlobStoreHealthProbe, blob_store, providers.Callable(blob_location, settings))
    )
    prune_clip_cache = UseCase(
        PruneClipCache,
        providers.Singleton(make_clip_pruner, settings),
        providers.Callable(_clip_budget_bytes, settings),
    )
    espeak_synthesizer = providers.Singleton(EspeakSpeechSynthesizer)  # a process pool sized to the cores
    espeak_closed = Closes(closed_at_exit, espeak_synthesizer)
    hibari_synthesizer = providers.Singleton(HibariSpeechSynthesizer)  # the neural voice; its pool starts on demand
    hibari_closed = Closes(closed_at_exit, hibari_synthesizer)
    speech_synthesizers = providers.Callable(
        _speech_engines, espeak_synthesizer, hibari_synthesizer, external.google_speech, external.openai_speech
    )
    list_voices = UseCase(ListVoices, speech_synthesizers)
    clip_processor = providers.Singleton(NumpyClipProcessor)
    get_voice_sample = UseCase(GetVoiceSample, speech_synthesizers, clip_cache, clip_processor)
    track_mixer = providers.Singleton(StreamingTrackMixer)
    media_probe = providers.Singleton(PyAvMediaProbe)
    media_deliverer = providers.Singleton(PyAvMediaDeliverer)
    render_voice_over = providers.Factory(
        RenderVoiceOver,
        synthesizers=speech_synthesizers,
        clip_cache=clip_cache,
        processor=clip_processor,
        mixer=track_mixer,
        output_store=blob_store,
        deliverer=media_deliverer,
        lexicon_matcher=providers.Object(lexicon_matcher),
    )
    subtitle_file_reader = providers.Singleton(CodecSubtitleFileReader, codec=core.subtitle_codec)
