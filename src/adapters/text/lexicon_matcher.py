"""Lexicon matching with Aho–Corasick automata (pyahocorasick, BSD-3-Clause): one pass over the text
finds every entry, whatever their number; one automaton for case-sensitive entries, one over the
case-folded text for the others."""

from __future__ import annotations

import ahocorasick

from domain.lexicon import Lexicon, Match, fold


class AhoCorasickLexiconMatcher:
    def __init__(self, lexicon: Lexicon) -> None:
        self._exact = ahocorasick.Automaton()
        self._folded = ahocorasick.Automaton()
        for index, entry in enumerate(lexicon.entries):
            if entry.case_sensitive:
                self._exact.add_word(entry.match, (index, len(entry.match)))
            else:
                self._folded.add_word(fold(entry.match), (index, len(entry.match)))
        for automaton in (self._exact, self._folded):
            if len(automaton):
                automaton.make_automaton()

    def matches(self, text: str) -> list[Match]:
        found: list[Match] = []
        for automaton, haystack in ((self._exact, text), (self._folded, fold(text))):
            if not len(automaton):
                continue
            for end, (index, length) in automaton.iter(haystack):
                found.append(Match(end - length + 1, end + 1, index))
        return found


def lexicon_matcher(lexicon: Lexicon) -> AhoCorasickLexiconMatcher:
    return AhoCorasickLexiconMatcher(lexicon)
