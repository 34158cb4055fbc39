"""Orthographic anchors: names copied into the other sentence, with glued affixes."""

from __future__ import annotations

import numpy as np
import pytest

from xlner.align.anchors import add_anchors, add_anchors_batch, anchor_pairs, copies
from xlner.data import as_links


@pytest.mark.parametrize(("source", "target"), [
    ("Clinton", "kaClinton"), ("Colombia", "yaseColombia"), ("Iraq", "base-Iraq"),
    ("Harare", "muHarare"), ("Awka", "n'Awka"), ("Indonesia", "I-Indonesia"),
    ("London", "London'da"), ("Canada", "Canada"), ("CANADA", "canada"),
    ("Madhusudan", "UMadhusudan"),
])
def test_copies(source: str, target: str) -> None:
    assert copies(source, target)


@pytest.mark.parametrize(("source", "target"), [
    ("Ade", "Made"),            # the name must keep its capital behind a prefix
    ("Kenya", "Wakenya"),
    ("Paris", "Parisian"),      # a suffix needs an apostrophe or hyphen
    ("Levy", "abcdefLevy"),     # prefix longer than max_affix
    ("Iraq", "2Iraq"),          # digits are no prefix
])
def test_not_copies(source: str, target: str) -> None:
    assert not copies(source, target)


def test_anchor_replaces_the_other_links_of_both_words() -> None:
    src = ["Clinton", "met", "Mandela", "in", "Pretoria", "."]
    tgt = ["UClinton", "udibene", "noMandela", "ePitoli", "."]
    links = as_links([(0, 1), (1, 0), (2, 3), (3, 3), (4, 3), (5, 4)])
    new, n = add_anchors(src, tgt, links)
    pairs = {tuple(x) for x in new.tolist()}
    assert n == 2  # Clinton, Mandela; Pretoria is translated (Pitoli), not copied
    assert (0, 0) in pairs and (2, 2) in pairs
    assert (0, 1) not in pairs and (1, 0) not in pairs  # replaced
    assert (2, 3) not in pairs and (3, 3) in pairs and (4, 3) in pairs and (5, 4) in pairs


def test_repeated_names_take_the_closest_free_copy() -> None:
    src = ["Kano", "beat", "Lagos", "and", "Kano", "won"]
    tgt = ["eKano", "yoyisa", "iLagos", "kwaye", "eKano", "iphumelele"]
    assert anchor_pairs(src, tgt) == {0: 0, 2: 2, 4: 4}
    assert anchor_pairs(["UN", "said"], ["i-UN", "ithe"]) == {0: 0}  # two-letter acronym
    assert anchor_pairs(["Ab", "said"], ["Ab", "ithe"]) == {}


def test_batch() -> None:
    links = [as_links([(0, 1)]), np.zeros((0, 2), dtype=np.int32)]
    out, n = add_anchors_batch([["Kano"], ["nothing"]], [["x", "eKano"], ["y"]], links)
    assert n == 1 and out[0].tolist() == [[0, 1]] and out[1].size == 0


@pytest.mark.parametrize(("source", "target"), [
    ("Moscow", "Москве"), ("Putin", "Путиным"), ("Obama", "Обамы"), ("Trump", "ترامب"),
    ("Trump", "טראמפ"), ("Beijing", "北京"), ("Athens", "Αθήνα"), ("Seoul", "서울"),
    ("Obama", "オバマ"), ("Washington", "Вашингтоне"),
])
def test_transliterated_names_are_copies(source: str, target: str) -> None:
    assert copies(source, target)


@pytest.mark.parametrize(("source", "target"), [
    ("Moscow", "мост"), ("Obama", "Путин"), ("Paris", "Берлине"), ("Berlin", "в"),
])
def test_other_words_in_other_scripts_are_not(source: str, target: str) -> None:
    assert not copies(source, target)


def test_anchors_across_scripts() -> None:
    src = ["Putin", "met", "Obama", "in", "Moscow"]
    tgt = ["Путин", "встретился", "с", "Обамой", "в", "Москве"]
    assert anchor_pairs(src, tgt) == {0: 0, 2: 3, 4: 5}
