"""libespeak-ng (from the espeakng-loader wheel) driven through ctypes, in synchronous mode.

The library keeps global state and is not thread-safe: each process of the synthesizer's pool
loads it once (`start_worker`) and then serves whole batches (`synthesize_batch`).
"""

from __future__ import annotations

import _ctypes
import ctypes
import signal
from typing import Any

import espeakng_loader

from adapters.audio.pcm import edge_trimmed, resample_pcm
from adapters.process_lifetime import die_with_parent

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_CHARS_UTF8 = 1
ESPEAK_PHONEMES = 0x100  # phoneme mnemonics inside [[ ]] are spoken as such (lexicon pronunciations)
ESPEAK_RATE = 1
POS_CHARACTER = 1
NORMAL_WPM = 175  # espeak-ng's default speaking rate: rate 1.0
MIN_WPM, MAX_WPM = 80, 450
BUFFER_MS = 500
GENDERS = {1: "male", 2: "female"}

_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class _Voice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


class EspeakError(Exception):
    """Request `index` of the batch failed inside the engine."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(index, message)
        self.index = index
        self.message = message


def wpm_for(rate: float) -> int:
    return max(MIN_WPM, min(MAX_WPM, round(NORMAL_WPM * rate)))


class EspeakLibrary:
    """One loaded copy of the library.

    espeak-ng keeps synthesis state in static variables that espeak_Initialize does not reset, so
    the same text can come out a few samples different depending on what was spoken before.
    `reset()` unloads and reloads the library (a few ms) so a batch always starts from the same state:
    that makes clips a function of their batch alone, hence byte-identical renders.
    """

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._callback = _SynthCallback(self._collect)  # keep a reference: the library calls it
        self._load()

    def _load(self) -> None:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        data_path = espeakng_loader.get_data_path().encode()
        self.sample_rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS, data_path, 0)
        if self.sample_rate <= 0:
            raise RuntimeError("espeak-ng failed to initialise")
        self._lib = lib
        lib.espeak_SetSynthCallback(self._callback)
        self._voice: str | None = None

    def reset(self) -> None:
        self._lib.espeak_Terminate()
        _ctypes.dlclose(self._lib._handle)  # the last reference: the library's static state goes with it
        self._load()

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0 = go on

    def voices(self) -> list[tuple[str, str, str | None]]:
        """(language code, identifier, gender) of every voice, first language of each."""
        listed = self._lib.espeak_ListVoices(None)
        found: list[tuple[str, str, str | None]] = []
        index = 0
        while listed[index]:
            voice = listed[index].contents
            # `languages`: a priority byte, then a NUL-terminated language name (repeated; we take the first)
            language = ctypes.string_at(voice.languages + 1).decode()
            identifier = (voice.identifier or b"").decode()
            found.append((language, identifier, GENDERS.get(voice.gender)))
            index += 1
        return found

    def synthesize(self, text: str, identifier: str, rate: float) -> bytes:
        if identifier != self._voice:
            if self._lib.espeak_SetVoiceByName(identifier.encode()) != 0:
                raise ValueError(f"espeak-ng has no voice {identifier!r}")
            self._voice = identifier
        self._lib.espeak_SetParameter(ESPEAK_RATE, wpm_for(rate), 0)
        encoded = text.encode() + b"\0"
        self._chunks = []
        status = self._lib.espeak_Synth(
            encoded, len(encoded), 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8 | ESPEAK_PHONEMES, None, None
        )
        if status != 0:
            raise RuntimeError(f"espeak_Synth returned {status}")
        return b"".join(self._chunks)


_engine: EspeakLibrary | None = None


def start_worker(owner_pid: int | None = None) -> None:
    """Process-pool initializer: Ctrl-C is the parent's to handle, the parent's death ends this process
    (a pool worker killed with its parent would otherwise wait on its queue forever); load the library once."""
    global _engine
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent_pid=owner_pid)
    _engine = EspeakLibrary()


def _library() -> EspeakLibrary:
    global _engine
    if _engine is None:
        _engine = EspeakLibrary()
    return _engine


def list_voices() -> tuple[int, list[tuple[str, str, str | None]]]:
    engine = _library()
    return engine.sample_rate, engine.voices()


def synthesize_batch(items: list[tuple[str, str, float, int | None]]) -> list[tuple[bytes, int]]:
    """(text, voice identifier, rate, wanted sample rate) → (int16 PCM, sample rate), in order.

    Edge silence is trimmed before resampling: fewer samples to resample and to send back.
    """
    engine = _library()
    engine.reset()
    clips: list[tuple[bytes, int]] = []
    for index, (text, identifier, rate, wanted_rate) in enumerate(items):
        try:
            pcm = engine.synthesize(text, identifier, rate)
        except (ValueError, RuntimeError) as exc:
            raise EspeakError(index, str(exc)) from None
        trimmed = edge_trimmed(pcm)
        if wanted_rate and wanted_rate != engine.sample_rate:
            clips.append((resample_pcm(trimmed, engine.sample_rate, wanted_rate), wanted_rate))
        else:
            clips.append((trimmed.tobytes(), engine.sample_rate))
    return clips
