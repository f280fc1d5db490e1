"""Fake OpenSubtitles, Dailymotion and Google Cloud TTS servers replaying the recorded payloads."""

from __future__ import annotations

import base64
import io
import itertools
import json
import time
import wave
import xml.etree.ElementTree as ElementTree
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

from tests.fakes.http_server import FakeHttpServer, FakeRequest, FakeResponse

OWN_PAYLOADS = Path(__file__).resolve().parents[1] / "payloads" / "providers"
SHARED_CONTRACTS = Path(__file__).resolve().parents[3] / "shared" / "contracts"
SUBRIP = (
    b"1\r\n00:00:01,000 --> 00:00:02,500\r\nHello there.\r\n\r\n"
    b"2\r\n00:00:03,000 --> 00:00:04,000\r\nGeneral Kenobi.\r\n"
)


def payload_dir() -> Path:
    return SHARED_CONTRACTS if SHARED_CONTRACTS.is_dir() else OWN_PAYLOADS


def load(name: str) -> Any:
    return json.loads((payload_dir() / name).read_text(encoding="utf-8"))


class FakeOpenSubtitles:
    API_KEY = "os-test-key"
    USERNAME = "subdub"
    PASSWORD = "correct horse battery"

    def __init__(self) -> None:
        self.server = FakeHttpServer(self.handle)
        self.tokens: set[str] = set()
        self.logins = 0
        self.downloads_remaining = 19
        self._token_ids = itertools.count(1)

    def file_ids(self) -> list[int]:
        page = load("opensubtitles.search.response.json")
        return [f["file_id"] for item in page["data"] for f in item["attributes"]["files"]]

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    async def handle(self, request: FakeRequest) -> FakeResponse:
        if request.path.startswith("/files/"):  # the temporary link (www.opensubtitles.com) needs no key
            return FakeResponse(body=SUBRIP, content_type="application/x-subrip")
        if request.headers.get("api-key") != self.API_KEY or not request.headers.get("user-agent"):
            return FakeResponse.json({"message": "You cannot consume this service", "status": 403}, status=403)
        if request.path == "/login" and request.method == "POST":
            return self._login(request.json())
        if request.path == "/subtitles" and request.method == "GET":
            return self._search(request)
        if request.path == "/download" and request.method == "POST":
            return self._download(request)
        return FakeResponse.json({"message": "not found", "status": 404}, status=404)

    def _login(self, body: dict[str, Any]) -> FakeResponse:
        self.logins += 1
        if body.get("username") != self.USERNAME or body.get("password") != self.PASSWORD:
            return FakeResponse.json(load("opensubtitles.error.401.json"), status=401)
        token = f"token-{next(self._token_ids)}"
        self.tokens.add(token)
        return FakeResponse.json({**load("opensubtitles.login.response.json"), "token": token})

    def _search(self, request: FakeRequest) -> FakeResponse:
        pairs = [tuple(p.split("=", 1)) for p in request.query_string.split("&") if p]
        canonical = sorted((k, v.lower()) for k, v in pairs if not (k == "page" and v == "1"))
        if pairs != canonical:  # the real API answers 301 to anything but the canonical form
            location = "/subtitles?" + "&".join(f"{k}={v}" for k, v in canonical)
            return FakeResponse(status=301, body=b"", content_type=None, headers={"Location": location})
        query = request.query.get("query", "")
        if query.startswith("nothing"):
            return FakeResponse.json(load("opensubtitles.search.empty.response.json"))
        return FakeResponse.json(
            load("opensubtitles.search.response.json"), **{"RateLimit-Limit": "5", "RateLimit-Remaining": "4"}
        )

    def _download(self, request: FakeRequest) -> FakeResponse:
        auth = request.headers.get("authorization", "")
        if auth and auth.removeprefix("Bearer ") not in self.tokens:
            return FakeResponse.json({"message": "invalid token", "status": 401}, status=401)
        file_id = request.json().get("file_id")
        if file_id not in self.file_ids():
            return FakeResponse.json({"message": "File not found", "status": 404}, status=404)
        recorded = load("opensubtitles.download.response.json")
        if self.downloads_remaining <= 0:
            quota = {k: recorded[k] for k in ("requests", "reset_time", "reset_time_utc") if k in recorded}
            return FakeResponse.json(
                {**quota, "remaining": 0, "message": "You have downloaded your allowed 20 subtitles for 24h."},
                status=406,
            )
        self.downloads_remaining -= 1
        name = recorded["file_name"]
        return FakeResponse.json(
            {**recorded, "link": f"{self.server.url}/files/{file_id}/{name}", "remaining": self.downloads_remaining}
        )


class FakeDailymotion:
    KNOWN = "x7lni3"

    def __init__(self) -> None:
        self.server = FakeHttpServer(self.handle)

    async def handle(self, request: FakeRequest) -> FakeResponse:
        video_id = request.path.removeprefix("/video/")
        if not request.path.startswith("/video/") or video_id != self.KNOWN:
            return FakeResponse.json(load("dailymotion.error.response.json"), status=404)
        if "fields" not in request.query:
            return FakeResponse.json(load("dailymotion.video.default-fields.response.json"))
        recorded = {**load("dailymotion.video.response.json"), "language": "fr"}  # not in the recording
        fields = request.query["fields"].split(",")
        return FakeResponse.json(
            {k: recorded[k] for k in fields if k in recorded}, **{"Cache-Control": "public, max-age=900"}
        )


def wav_bytes(sample_rate: int, samples: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(b"\x10\x00" * samples)
    return buffer.getvalue()


class FakeGoogleTts:
    API_KEY = "google-test-key"

    def __init__(self, *, requests_per_minute: int = 1000) -> None:
        self.server = FakeHttpServer(self.handle)
        self.refuse_api_keys = False
        self.tokens: set[str] = set()
        self.requests_per_minute = requests_per_minute
        self.rejected_by_budget = 0
        self.synthesized: list[dict[str, Any]] = []
        self._stamps: deque[float] = deque()
        self._token_ids = itertools.count(1)

    def _authorized(self, request: FakeRequest) -> FakeResponse | None:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer and bearer in self.tokens:
            return None
        if request.headers.get("x-goog-api-key") == self.API_KEY and not self.refuse_api_keys:
            return None
        if bearer:
            return FakeResponse.json(load("google-tts.error.401-access-token-expired.json"), status=401)
        return FakeResponse.json(load("google-tts.error.401-api-keys-not-supported.json"), status=401)

    def _within_budget(self) -> bool:
        now = time.monotonic()
        while self._stamps and self._stamps[0] <= now - 60:
            self._stamps.popleft()
        if len(self._stamps) >= self.requests_per_minute:
            self.rejected_by_budget += 1
            return False
        self._stamps.append(now)
        return True

    async def handle(self, request: FakeRequest) -> FakeResponse:
        if request.path == "/token":
            token = f"ya29.fake-{next(self._token_ids)}"
            self.tokens.add(token)
            return FakeResponse.json({"access_token": token, "expires_in": 3600, "token_type": "Bearer"})
        refused = self._authorized(request)
        if refused is not None:
            return refused
        if not self._within_budget():
            return FakeResponse.json(
                {"error": {"code": 429, "message": "Resource has been exhausted", "status": "RESOURCE_EXHAUSTED"}},
                status=429,
                **{"Retry-After": "1"},
            )
        if request.path == "/v1/voices" and request.method == "GET":
            return FakeResponse.json(load("google-tts.voices.response.json"))
        if request.path == "/v1/text:synthesize" and request.method == "POST":
            return self._synthesize(request.json())
        return FakeResponse.json({"error": {"code": 404, "message": "Not found", "status": "NOT_FOUND"}}, status=404)

    def _synthesize(self, body: dict[str, Any]) -> FakeResponse:
        given = body.get("input", {})
        config = body.get("audioConfig", {})
        rate = config.get("speakingRate", 1.0)
        problems = []
        if len(given) != 1 or not set(given) <= {"text", "ssml"}:
            problems.append("input must set exactly one of text and ssml")
        source = str(given.get("text", given.get("ssml", "")))
        text = source if "text" in given else self._ssml_words(source, problems)
        if len(source.encode()) > 5000:
            problems.append(f"input.{next(iter(given), 'text')} is longer than the limit of 5000 bytes")
        if not 0.25 <= rate <= 4.0:
            problems.append("speakingRate must be between 0.25 and 4.0")
        if config.get("audioEncoding") != "LINEAR16":
            problems.append("audioEncoding must be LINEAR16 in this fake")
        if problems:
            return FakeResponse.json(
                {"error": {"code": 400, "message": "; ".join(problems), "status": "INVALID_ARGUMENT"}}, status=400
            )
        self.synthesized.append(body)
        sample_rate = int(config.get("sampleRateHertz", 24000))
        samples = int(sample_rate * 0.06 * max(1, len(text)) / rate / 10)  # ~6 ms per character at rate 1
        audio = base64.b64encode(wav_bytes(sample_rate, samples)).decode()
        return FakeResponse.json({"audioContent": audio})

    @staticmethod
    def _ssml_words(ssml: str, problems: list[str]) -> str:
        """The words of an SSML input, as Google reads it: a `<speak>` document whose `<phoneme>`
        elements name an alphabet (`ipa` or `x-sampa`) and a pronunciation (`ph`)."""
        try:
            root = ElementTree.fromstring(ssml)  # noqa: S314 - a test server reading what the adapter under test sent
        except ElementTree.ParseError as exc:
            problems.append(f"Invalid SSML: {exc}")
            return ""
        if root.tag != "speak":
            problems.append("Invalid SSML: the root element must be <speak>")
        for phoneme in root.iter("phoneme"):
            if phoneme.get("alphabet") not in ("ipa", "x-sampa") or not phoneme.get("ph"):
                problems.append("Invalid SSML: <phoneme> needs alphabet ipa or x-sampa and a ph")
        return "".join(root.itertext())


def tone_wav(sample_rate: int, samples: int) -> bytes:
    """Audible mono int16 WAV (a 220 Hz tone): survives the renderer's edge-silence trimming."""
    t = np.arange(samples) / sample_rate
    pcm = (8000 * np.sin(2 * np.pi * 220 * t)).astype("<i2")
    pcm[np.abs(pcm) < 200] = 200
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm.tobytes())
    return buffer.getvalue()


class FakeOpenAiSpeech:
    """`POST /v1/audio/speech` as OpenAI documents it: a JSON body in, the audio bytes out in the asked
    `response_format`; JSON error envelopes for 400/401; `input` limited to 4 096 characters."""

    API_KEY = "sk-test-openai"
    MAX_INPUT = 4096

    def __init__(self, *, require_key: bool = True) -> None:
        self.server = FakeHttpServer(self.handle)
        self.require_key = require_key
        self.spoken: list[dict[str, Any]] = []

    @staticmethod
    def error(status: int, message: str, kind: str = "invalid_request_error") -> FakeResponse:
        return FakeResponse.json({"error": {"message": message, "type": kind, "param": None, "code": None}}, status)

    async def handle(self, request: FakeRequest) -> FakeResponse:
        if request.path != "/v1/audio/speech" or request.method != "POST":
            return self.error(404, f"Invalid URL ({request.method} {request.path})")
        if self.require_key and request.headers.get("authorization") != f"Bearer {self.API_KEY}":
            return self.error(401, "Incorrect API key provided.")
        body = request.json()
        text, speed = body.get("input", ""), float(body.get("speed", 1.0))
        if not text or len(text) > self.MAX_INPUT:
            return self.error(400, f"input must be 1 to {self.MAX_INPUT} characters")
        if body.get("voice") not in {"alloy", "nova", "onyx"}:
            return self.error(400, f"Invalid value for 'voice': {body.get('voice')!r}")
        if not 0.25 <= speed <= 4.0:
            return self.error(400, "speed must be between 0.25 and 4.0")
        self.spoken.append(body)
        samples = int(24000 * 0.06 * max(1, len(text)) / speed / 1)  # ~60 ms per character at speed 1
        if body.get("response_format") != "wav":
            return FakeResponse(body=b"\xff\xfb\x90\x00" + b"\x00" * 400, content_type="audio/mpeg")
        return FakeResponse(body=tone_wav(24000, samples), content_type="audio/wav")
