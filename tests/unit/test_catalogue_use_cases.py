from __future__ import annotations

from uuid import uuid4

import pytest

from application.actor import Actor, GlobalRole
from application.errors import InvalidInput, NotFound, ProviderDisabled, ProviderUnavailable
from application.pagination import PageOf, PageRequest
from application.use_cases.catalogue.list_voices import ListVoices
from application.use_cases.catalogue.lookup_video import LookupVideo
from application.use_cases.catalogue.search_subtitles import SearchSubtitles
from tests.fakes.catalogs import FakeGoogleSpeech, FakeSubtitleCatalog, FakeVideoCatalog

ACTOR = Actor(user_id=uuid4(), role=list(GlobalRole)[-1])


async def test_search_normalises_languages_and_imdb_ids() -> None:
    catalog = FakeSubtitleCatalog()
    result = await SearchSubtitles(catalog).execute(ACTOR, imdb_id="tt0816692", languages="FR, en,fr")
    assert result.hits
    [query] = catalog.searches
    assert query.imdb_id == 816692
    assert query.languages == ("en", "fr")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"languages": "en"}, "query"),
        ({"query": "x", "languages": "english!"}, "languages"),
        ({"query": "x", "imdb_id": "abc"}, "imdb_id"),
        ({"query": "x", "page": 0}, "page"),
        ({"query": "x" * 201}, "query"),
    ],
)
async def test_bad_searches_are_refused_with_the_field_named(kwargs: dict, field: str) -> None:
    catalog = FakeSubtitleCatalog()
    with pytest.raises(InvalidInput) as caught:
        await SearchSubtitles(catalog).execute(ACTOR, **kwargs)
    assert [e.field for e in caught.value.errors] == [field]
    assert catalog.searches == []


async def test_an_unconfigured_provider_is_provider_disabled() -> None:
    with pytest.raises(ProviderDisabled) as caught:
        await SearchSubtitles(None).execute(ACTOR, query="x")
    assert caught.value.code == "provider_disabled"
    with pytest.raises(ProviderDisabled):
        await LookupVideo(None).execute(ACTOR, "x7lni3")


async def test_lookup_video_answers_metadata_or_not_found() -> None:
    video = await LookupVideo(FakeVideoCatalog()).execute(ACTOR, "x7lni3")
    assert video.duration_ms == 136_000
    with pytest.raises(NotFound):
        await LookupVideo(FakeVideoCatalog()).execute(ACTOR, "nope")


class DownEngine(FakeGoogleSpeech):
    engine = "down"

    async def list_voices(self):  # type: ignore[no-untyped-def]
        raise ProviderUnavailable("down")


async def test_voices_of_all_engines_filtered_by_language_and_engine() -> None:
    use_case = ListVoices({"google": FakeGoogleSpeech(), "down": DownEngine()})
    voices = await use_case.execute(ACTOR)
    assert {v.name for v in voices.items} == {"en-US-Standard-A", "fr-FR-Standard-A"}  # the failing one is left out
    assert voices.next_after is None
    french = await use_case.execute(ACTOR, language="fr")
    assert [v.name for v in french.items] == ["fr-FR-Standard-A"]
    assert await use_case.execute(ACTOR, engine="espeak") == PageOf(items=[])  # not enabled: no voices
    first = await use_case.execute(ACTOR, PageRequest(limit=1))
    second = await use_case.execute(ACTOR, PageRequest(limit=1, after=first.next_after))
    assert [v.name for v in first.items + second.items] == ["en-US-Standard-A", "fr-FR-Standard-A"]
    assert (first.next_after, second.next_after) == (0, None)
    with pytest.raises(ProviderUnavailable):
        await use_case.execute(ACTOR, engine="down")
