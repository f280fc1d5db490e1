"""The project's lexicon reaches render requests (a pronunciation the engine cannot take is refused
before queueing) and the worker (the engine is sent the replaced text); fake engine, in-memory stores."""

from __future__ import annotations

import pytest

from adapters.system import Uuid7Generator
from adapters.text.lexicon_matcher import lexicon_matcher
from application.errors import InvalidInput
from application.ports.lexicons import StoredLexicon
from application.use_cases.renders.execute_render import RenderOutcome
from application.use_cases.renders.request_render import RequestRender
from domain.lexicon import Lexicon, LexiconEntry
from domain.projects import ProjectRole
from tests.unit.renders.rig import OPTIONS, actor, make_rig


async def test_a_render_request_refuses_a_pronunciation_its_engine_cannot_take_and_nothing_is_queued() -> None:
    rig = make_rig()
    owner = actor()
    track = rig.track(3)  # "hello 0", "hello 1", "hello 2"
    rig.grant(track, owner, ProjectRole.OWNER)
    ipa = Lexicon(entries=(LexiconEntry(match="hello", replace="h@l'oU", kind="ipa"),))
    rig.state.lexicons[track] = StoredLexicon(lexicon=ipa, version=1)
    request = RequestRender(rig.uow(), {"fake": rig.engine}, rig.clock, Uuid7Generator(), lexicon_matcher)
    with pytest.raises(InvalidInput) as caught:
        await request.execute(owner, track, OPTIONS)
    assert caught.value.code == "lexicon_unsupported"
    assert "entries[0]" in caught.value.detail and "'fake'" in caught.value.detail
    assert not rig.state.renders and not rig.state.jobs


async def test_the_worker_sends_the_engine_the_text_the_lexicon_made() -> None:
    rig = make_rig()
    owner = actor()
    track = rig.track(2)
    rig.grant(track, owner, ProjectRole.OWNER)
    text = Lexicon(entries=(LexiconEntry(match="hello", replace="good day"),))
    rig.state.lexicons[track] = StoredLexicon(lexicon=text, version=1)
    render = await RequestRender(rig.uow(), {"fake": rig.engine}, rig.clock, Uuid7Generator(), lexicon_matcher).execute(
        owner, track, OPTIONS
    )
    outcome = await rig.execute(lexicon_matcher=lexicon_matcher).execute(render.id, final_attempt=False)
    assert outcome is RenderOutcome.SUCCEEDED
    assert sorted({call.text for call in rig.engine.calls}) == ["good day 0", "good day 1"]
