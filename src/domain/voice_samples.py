"""The line a voice sample says: in the voice's language when there is one here, else in English."""

from __future__ import annotations

from domain.cast import primary_language

SAMPLE_LINES = {
    "en": "Hello! This is how I sound when I read your subtitles aloud.",
    "fr": "Bonjour ! Voici ma voix quand je lis vos sous-titres à voix haute.",
    "de": "Hallo! So klinge ich, wenn ich Ihre Untertitel vorlese.",
    "es": "¡Hola! Así sueno cuando leo tus subtítulos en voz alta.",
    "it": "Ciao! Ecco come suono quando leggo i tuoi sottotitoli ad alta voce.",
    "pt": "Olá! É assim que eu soo quando leio as suas legendas em voz alta.",
    "nl": "Hallo! Zo klink ik als ik je ondertitels voorlees.",
    "ru": "Привет! Вот так звучит мой голос, когда я читаю ваши субтитры.",
}


def sample_line(language: str) -> str:
    return SAMPLE_LINES.get(primary_language(language), SAMPLE_LINES["en"])
