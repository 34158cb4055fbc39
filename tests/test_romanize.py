"""Romanisation of known names in every listed script, and the transliteration key."""

from __future__ import annotations

import pytest

from xlner.romanize import is_latin, name_key, romanize


@pytest.mark.parametrize(("word", "latin"), [
    ("Москва", "moskva"),          # Cyrillic
    ("Αθήνα", "athina"),           # Greek
    ("القاهرة", "lqhrh"),          # Arabic (an abjad: few vowels written)
    ("ירושלים", "yrvslym"),        # Hebrew
    ("दिल्ली", "dilli"),             # Devanagari
    ("কলকাতা", "klkata"),          # Bengali
    ("北京", "beijing"),            # Han, by its pinyin
    ("서울", "seoul"),              # Hangul
    ("とうきょう", "toukiyou"),     # Hiragana
    ("オバマ", "obama"),            # Katakana
    ("โอบามา", "oobama"),           # Thai
    ("አዲስ", "'adis"),              # Ethiopic
    ("თბილისი", "tbilisi"),        # Georgian
])
def test_romanize_known_names(word: str, latin: str) -> None:
    assert romanize(word).lower() == latin
    assert not is_latin(word)


def test_latin_words_are_unchanged() -> None:
    for word in ("Berlin", "Straßburg", "Łódź", "Zürich", "3,5", ""):
        assert is_latin(word)
        assert romanize(word) == word


@pytest.mark.parametrize(("english", "other"), [
    ("Moscow", "Москве"), ("Berlin", "Берлине"), ("Obama", "Обамы"), ("Obama", "オバマ"),
    ("Obama", "오바마"), ("Obama", "ओबामा"), ("Washington", "Вашингтоне"), ("Beijing", "北京"),
    ("Shanghai", "上海"), ("Putin", "Путина"), ("Tbilisi", "თბილისი"), ("London", "Лондоне"),
])
def test_name_key_is_tolerant_to_vowels_endings_and_spelling(english: str, other: str) -> None:
    assert name_key(english) == name_key(other)


def test_name_key_separates_different_names() -> None:
    assert name_key("Paris") != name_key("Берлин")
    assert name_key("Obama") != name_key("Путин")
