from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xlner.corpora.schemes import decode, encode
from xlner.data import Entity, as_links, empty_links
from xlner.project.base import (
    BELOW_THRESHOLD,
    EMPTY_TARGET,
    NO_ALIGNMENT,
    OVERLAP,
    ProjectionInput,
)
from xlner.project.heuristic import HeuristicProjector, runs_of


def item(entities: list[Entity], links: list[tuple[int, int]], n_src: int = 10,
         n_tgt: int = 10) -> ProjectionInput:
    return ProjectionInput([f"s{i}" for i in range(n_src)], [f"t{j}" for j in range(n_tgt)],
                           entities, as_links(links) if links else empty_links())


def test_runs_of() -> None:
    assert runs_of([1, 2, 3, 5, 7, 8]) == [[1, 4], [5, 6], [7, 9]]
    assert runs_of([]) == []


def test_contiguous_projection() -> None:
    res = HeuristicProjector().project_one(
        item([Entity(0, 2, "PER")], [(0, 3), (1, 4)]))
    assert res.entities == [Entity(3, 5, "PER")] and res.sources == [0]
    assert res.unprojected == []


def test_merge_distance() -> None:
    ent = [Entity(0, 3, "ORG")]
    links = [(0, 1), (1, 3), (2, 6)]
    assert HeuristicProjector(d=1, thr=None).project_one(item(ent, links)).entities == [
        Entity(1, 4, "ORG"), Entity(6, 7, "ORG")]
    assert HeuristicProjector(d=2, thr=None).project_one(item(ent, links)).entities == [
        Entity(1, 7, "ORG")]
    assert HeuristicProjector(d=0, thr=None).project_one(item(ent, links)).entities == [
        Entity(1, 2, "ORG"), Entity(3, 4, "ORG"), Entity(6, 7, "ORG")]


def test_only_i_keeps_a_run_starting_at_the_first_word_separate() -> None:
    ent = [Entity(0, 2, "LOC")]
    links = [(1, 1), (0, 3), (1, 4)]  # run [1] then run [3,4] which starts at src word 0
    merged = HeuristicProjector(d=1, thr=None).project_one(item(ent, links)).entities
    assert merged == [Entity(1, 5, "LOC")]
    separate = HeuristicProjector(d=1, thr=None, only_i=True).project_one(item(ent, links))
    assert separate.entities == [Entity(1, 2, "LOC"), Entity(3, 5, "LOC")]


def test_top_k_keeps_the_longest_runs() -> None:
    # docs/method.md §6.3: the reference kept the shortest runs
    ent = [Entity(0, 3, "MISC")]
    links = [(0, 0), (1, 4), (2, 5), (0, 8)]
    res = HeuristicProjector(d=0, k=1, thr=None).project_one(item(ent, links))
    assert res.entities == [Entity(4, 6, "MISC")]


def test_length_threshold() -> None:
    ent = [Entity(0, 4, "ORG")]
    links = [(0, 2), (1, 3), (2, 4), (3, 8)]  # run of 3 (ratio .75) and run of 1 (.25)
    assert HeuristicProjector(d=0, thr=0.5).project_one(item(ent, links)).entities == [
        Entity(2, 5, "ORG")]
    res = HeuristicProjector(d=0, thr=0.8).project_one(item(ent, links))
    assert res.entities == [] and res.unprojected[0].reason == BELOW_THRESHOLD


def test_shortest_first_and_overlap_skip() -> None:
    ents = [Entity(0, 3, "ORG"), Entity(4, 5, "LOC")]
    # the long entity's run covers the target word of the short one
    links = [(0, 0), (1, 1), (2, 2), (4, 1)]
    res = HeuristicProjector(d=1, thr=None).project_one(item(ents, links))
    assert Entity(1, 2, "LOC") in res.entities
    assert [u.reason for u in res.unprojected] == [OVERLAP]
    assert res.unprojected[0].entity == ents[0]


def test_unaligned_and_empty_target_are_reported() -> None:
    res = HeuristicProjector().project_one(item([Entity(0, 1, "PER")], []))
    assert res.unprojected[0].reason == NO_ALIGNMENT
    res = HeuristicProjector().project_one(item([Entity(0, 1, "PER")], [], n_tgt=0))
    assert res.unprojected[0].reason == EMPTY_TARGET


LABELS = st.sampled_from(["PER", "ORG", "LOC"])


@st.composite
def random_items(draw: st.DrawFn) -> ProjectionInput:
    n_src = draw(st.integers(1, 15))
    n_tgt = draw(st.integers(1, 15))
    entities, pos = [], 0
    while pos < n_src:
        if draw(st.booleans()):
            end = draw(st.integers(pos + 1, min(n_src, pos + 4)))
            entities.append(Entity(pos, end, draw(LABELS)))
            pos = end
        else:
            pos += 1
    links = draw(st.sets(st.tuples(st.integers(0, n_src - 1), st.integers(0, n_tgt - 1)),
                         max_size=25))
    return item(entities, sorted(links), n_src, n_tgt)


@settings(max_examples=300)
@given(random_items(), st.integers(0, 3), st.one_of(st.none(), st.integers(1, 3)),
       st.booleans(), st.one_of(st.none(), st.floats(0, 1.5)))
def test_projection_properties(it: ProjectionInput, d: int, k: int | None, only_i: bool,
                               thr: float | None) -> None:
    res = HeuristicProjector(d=d, k=k, only_i=only_i, thr=thr).project_one(it)
    n = len(it.tgt_words)
    # valid IOB2 that decodes back to the same spans: in bounds, sorted, non-overlapping
    tags = encode(res.entities, n)
    assert decode(tags).entities == res.entities
    # only source classes, each traced to a source entity of that class
    for ent, src in zip(res.entities, res.sources, strict=True):
        assert it.entities[src].label == ent.label
    # every source entity lands or is reported, never both, never silently lost
    landed = set(res.sources)
    reported = [u.entity for u in res.unprojected]
    assert len(reported) == len(set(reported))
    for idx, ent in enumerate(it.entities):
        assert (idx in landed) != (ent in reported)


def extended_item(entities: list[Entity], inter: list[tuple[int, int]],
                  reverse: list[tuple[int, int]], n: int = 8) -> ProjectionInput:
    from xlner.project.base import LINKS_FORWARD, LINKS_REVERSE

    it = item(entities, inter, n, n)
    it.extras = {LINKS_FORWARD: as_links(inter), LINKS_REVERSE: as_links(reverse)}
    return it


def test_extend_grows_runs_by_adjacent_second_view_links() -> None:
    # "the United Kingdom" -> "el Reino Unido": the intersection only has United-Unido
    ents = [Entity(1, 3, "LOC")]
    inter = [(0, 0), (1, 2)]
    reverse = [(0, 0), (1, 2), (2, 1)]
    plain = HeuristicProjector(thr=None).project_one(extended_item(ents, inter, reverse))
    assert plain.entities == [Entity(2, 3, "LOC")]
    grown = HeuristicProjector(thr=None, extend="reverse").project_one(
        extended_item(ents, inter, reverse))
    assert grown.entities == [Entity(1, 3, "LOC")] and grown.sources == [0]


def test_extend_never_crosses_sure_links_outside_or_labelled_words() -> None:
    ents = [Entity(1, 2, "LOC"), Entity(4, 5, "PER")]
    inter = [(0, 0), (1, 2), (4, 4)]
    # reverse links the LOC entity to target 0 (sure-linked to outside word 0), 1, 3 and 4
    reverse = [(0, 0), (1, 0), (1, 1), (1, 2), (1, 3), (1, 4), (4, 4)]
    res = HeuristicProjector(thr=None, extend="reverse").project_one(
        extended_item(ents, inter, reverse))
    assert res.entities == [Entity(1, 4, "LOC"), Entity(4, 5, "PER")]


def test_extend_without_directional_links_is_a_config_error() -> None:
    import pytest

    from xlner.errors import ConfigError

    with pytest.raises(ConfigError, match="forward and reverse links"):
        HeuristicProjector(extend="reverse").project_one(item([Entity(0, 1, "PER")], [(0, 0)]))


@settings(max_examples=200)
@given(random_items(), st.data())
def test_extension_keeps_the_projection_valid(it: ProjectionInput, data: st.DataObject) -> None:
    from xlner.project.base import LINKS_FORWARD, LINKS_REVERSE

    n_src, n_tgt = len(it.src_words), len(it.tgt_words)
    rev = data.draw(st.sets(st.tuples(st.integers(0, n_src - 1), st.integers(0, n_tgt - 1)),
                            max_size=25))
    it.extras = {LINKS_FORWARD: it.links, LINKS_REVERSE: as_links(sorted(rev)) if rev
                 else empty_links()}
    base = HeuristicProjector(d=1, thr=None).project_one(it)
    res = HeuristicProjector(d=1, thr=None, extend="reverse").project_one(it)
    assert decode(encode(res.entities, n_tgt)).entities == res.entities
    assert sorted(res.sources) == sorted(base.sources)
    assert res.unprojected == base.unprojected
    # every grown entity contains its base run
    for ent, src in zip(res.entities, res.sources, strict=True):
        assert any(b.start >= ent.start and b.end <= ent.end and s == src
                   for b, s in zip(base.entities, base.sources, strict=True))


@settings(max_examples=100)
@given(random_items(), st.data())
def test_name_only_extension_grows_over_name_like_words_only(it: ProjectionInput,
                                                             data: st.DataObject) -> None:
    from xlner.project.base import LINKS_FORWARD, LINKS_REVERSE
    from xlner.project.extend import name_like

    n_src, n_tgt = len(it.src_words), len(it.tgt_words)
    caps = data.draw(st.lists(st.booleans(), min_size=n_tgt, max_size=n_tgt))
    it.tgt_words = [f"Tx{j}" if c else f"tx{j}" for j, c in enumerate(caps)]
    rev = data.draw(st.sets(st.tuples(st.integers(0, n_src - 1), st.integers(0, n_tgt - 1)),
                            max_size=25))
    it.extras = {LINKS_FORWARD: it.links, LINKS_REVERSE: as_links(sorted(rev)) if rev
                 else empty_links()}
    base = HeuristicProjector(d=1, thr=None).project_one(it)
    names = HeuristicProjector(d=1, thr=None, extend="reverse", extend_words="names")
    res = names.project_one(it)
    assert sorted(res.sources) == sorted(base.sources)
    for ent, src in zip(res.entities, res.sources, strict=True):
        inside = {j for b, s in zip(base.entities, base.sources, strict=True)
                  if s == src and ent.start <= b.start and b.end <= ent.end
                  for j in range(b.start, b.end)}
        assert inside  # grown from a base run of the same source
        grown = [j for j in range(ent.start, ent.end) if j not in inside]
        assert all(name_like(it.tgt_words[j], j) for j in grown)
