"""The visual score over a tiny CLIP built locally, on images drawn with Pillow: values against
the model computed directly, batching, caches, modes, missing images, fusion and projection."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from xlner.corpora.images import IMAGE, IMAGE_ORIGIN
from xlner.data import Entity, as_links
from xlner.errors import ConfigError, ProjectionError
from xlner.project.base import ProjectionInput
from xlner.project.scores.base import PairGrid, score_matrices

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("PIL")

TEXTS = ["Maria sees Berlin", "Maria sieht Berlin", "the red ball", "der rote Ball",
         "John visits Paris", "Jean besucht Paris"]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from xlner.bench.tiny_clip import build_tiny_clip

    return build_tiny_clip(tmp_path_factory.mktemp("clip"), TEXTS)


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    from xlner.bench.tiny_clip import draw_image

    base = tmp_path_factory.mktemp("img")
    return [str(draw_image(base / f"{k}.png", c, seed=k))
            for k, c in enumerate([["red", "blue"], ["green"], ["yellow", "black"]])]


@pytest.fixture(scope="module")
def scorer(clip: Path) -> Any:
    from xlner.project.scores.visual import VisualScorer

    return VisualScorer(str(clip), grid=2)


def _item(src: str, tgt: str, entities: list[Entity], image: Any) -> ProjectionInput:
    extras = {} if image is None else {IMAGE: image}
    return ProjectionInput(src.split(), tgt.split(), entities, as_links([]), extras)


def _spans(n: int) -> np.ndarray:
    return np.array([(a, b) for a in range(n) for b in range(a + 1, min(n, a + 2) + 1)])


def _reference(clip: Path, p: str, t: str, image: str, grid: int) -> float:
    """The documented formula computed directly with transformers."""
    import torch
    import transformers
    from PIL import Image

    from xlner.project.scores.visual import regions

    model = transformers.AutoModel.from_pretrained(clip).eval()
    tok = transformers.AutoTokenizer.from_pretrained(clip)
    proc = transformers.AutoImageProcessor.from_pretrained(clip)
    with torch.no_grad():
        enc = tok([p, t], padding=True, return_tensors="pt")
        te = model.get_text_features(**enc).pooler_output
        crops = regions(Image.open(image).convert("RGB"), grid)
        ve = model.get_image_features(**proc(images=crops, return_tensors="pt")).pooler_output
    te = torch.nn.functional.normalize(te, dim=-1).double().numpy()
    ve = torch.nn.functional.normalize(ve, dim=-1).double().numpy()
    s_text = min(1.0, max(0.0, float(te[0] @ te[1])))
    s_image = 1 - 0.5 * float(np.abs(ve @ te[0] - ve @ te[1]).mean())
    return 0.5 * s_text + 0.5 * s_image


def test_values_follow_the_formula_on_the_real_model(clip: Path, images: list[str],
                                                     scorer: Any) -> None:
    item = _item("Maria sees Berlin", "Maria sieht Berlin", [Entity(0, 1, "PER"),
                                                             Entity(2, 3, "LOC")], images[0])
    spans = _spans(3)
    matrix = score_matrices(scorer, [item], [spans])[0]
    assert matrix.shape == (2, len(spans))
    assert ((matrix >= 0) & (matrix <= 1)).all()
    # identical text: both agreements are 1
    assert matrix[0, 0] == pytest.approx(1.0, abs=1e-6)
    assert matrix[1, list(map(tuple, spans)).index((2, 3))] == pytest.approx(1.0, abs=1e-6)
    k = list(map(tuple, spans)).index((0, 2))
    assert matrix[0, k] == pytest.approx(_reference(clip, "Maria", "Maria sieht", images[0], 2),
                                         abs=1e-5)
    assert matrix[0, k] < 1.0


def test_batched_equals_one_pair_at_a_time_and_images_are_cached(clip: Path,
                                                                 images: list[str]) -> None:
    from xlner.project.scores.visual import VisualScorer

    batch = [_item("Maria sees Berlin", "Maria sieht Berlin", [Entity(0, 1, "PER")], images[0]),
             _item("the red ball", "der rote Ball", [Entity(1, 3, "MISC")], images[1]),
             _item("John visits Paris", "Jean besucht Paris", [Entity(2, 3, "LOC")], images[0])]
    spans = [_spans(3)] * 3
    grid = PairGrid.build(batch, spans)
    batched = VisualScorer(str(clip))
    values = batched.score(grid)
    assert batched.stats["images_embedded"] == 2  # two distinct images, the first shared
    single = VisualScorer(str(clip))
    one = np.concatenate([single.score(grid.subset(np.arange(grid.n_pairs) == k))
                          for k in range(grid.n_pairs)])
    assert np.allclose(values, one, atol=1e-6)
    assert single.stats["images_embedded"] == 2  # cached across calls too
    before = dict(batched.stats)
    batched.score(grid)
    assert batched.stats == before  # nothing re-embedded
    # a different image changes the grounding part of the score
    moved = [_item("Maria sees Berlin", "Maria sieht Berlin", [Entity(0, 1, "PER")],
                   images[2])]
    other = batched.score(PairGrid.build(moved, [_spans(3)]))
    first = values[:len(other)]
    assert not np.allclose(other, first)


def test_in_memory_images_are_cached_by_object(clip: Path, images: list[str]) -> None:
    from PIL import Image

    from xlner.project.scores.visual import VisualScorer

    picture = Image.open(images[0]).convert("RGB")
    by_path = VisualScorer(str(clip))
    by_object = VisualScorer(str(clip))
    item = _item("Maria sees Berlin", "Maria sieht Berlin", [Entity(0, 1, "PER")], images[0])
    same = _item("Maria sees Berlin", "Maria sieht Berlin", [Entity(0, 1, "PER")], picture)
    a = score_matrices(by_path, [item], [_spans(3)])[0]
    b = score_matrices(by_object, [same, same], [_spans(3)] * 2)
    assert np.allclose(a, b[0], atol=1e-6) and np.allclose(b[0], b[1])
    assert by_object.stats["images_embedded"] == 1


def test_threshold_mode_and_weights(clip: Path, images: list[str], scorer: Any) -> None:
    from xlner.project.scores.visual import VisualScorer

    item = _item("Maria sees Berlin", "Maria sieht Berlin", [Entity(0, 1, "PER")], images[0])
    base = score_matrices(scorer, [item], [_spans(3)])[0]
    high = float(np.sort(base.ravel())[-2])
    cut = score_matrices(VisualScorer(str(clip), threshold=high), [item], [_spans(3)])[0]
    assert np.array_equal(cut > 0, base >= high)
    tie = score_matrices(VisualScorer(str(clip), mode="tiebreak", eps=1e-3), [item],
                         [_spans(3)])[0]
    assert np.allclose(tie, base * 1e-3)
    text_only = score_matrices(VisualScorer(str(clip), image=0.0), [item], [_spans(3)])[0]
    assert not np.allclose(text_only, base)
    with pytest.raises(ConfigError, match="mode"):
        VisualScorer(str(clip), mode="loud")
    with pytest.raises(ConfigError, match="model="):
        VisualScorer()


def test_missing_images_fail_the_sentence_or_score_zero(clip: Path, images: list[str]) -> None:
    from xlner.project.scores.visual import VisualScorer

    ok = _item("Maria sees Berlin", "Maria sieht Berlin", [Entity(0, 1, "PER")], images[0])
    none = _item("the red ball", "der rote Ball", [Entity(1, 3, "MISC")], None)
    none.extras[IMAGE_ORIGIN] = "set.jsonl:7"
    with pytest.raises(ProjectionError, match=r"sentence 1: no image.*set\.jsonl:7"):
        score_matrices(VisualScorer(str(clip)), [ok, none], [_spans(3)] * 2)
    gone = _item("the red ball", "der rote Ball", [Entity(1, 3, "MISC")], "/no/such.png")
    with pytest.raises(ProjectionError, match=r"sentence 0: image /no/such\.png cannot be read"):
        score_matrices(VisualScorer(str(clip)), [gone], [_spans(3)])
    lenient = VisualScorer(str(clip), missing="zero")
    out = score_matrices(lenient, [ok, none], [_spans(3)] * 2)
    assert (out[1] == 0).all() and (out[0] > 0).any() and lenient.missing == 1


def test_fusion_spec_and_projection_report_failures(clip: Path, images: list[str]) -> None:
    from xlner.corpora.corpus import Corpus
    from xlner.data import Sentence
    from xlner.pipelines.project import project_corpus
    from xlner.project.recipes import resolve_method

    spec = f"matching(scores=[align=1,visual(model={clip},grid=0)=0.5@0.2])"
    method = resolve_method(spec)
    assert [t.scorer.name for t in method.projector.scorer.terms] == ["align", "visual"]
    src = Corpus([Sentence(("Maria", "sees", "Berlin"), (Entity(0, 1, "PER"),
                                                         Entity(2, 3, "LOC")))] * 2)
    tgt = Corpus([Sentence(("Maria", "sieht", "Berlin"))] * 2)
    links = [as_links([(0, 0), (1, 1), (2, 2)])] * 2
    run = project_corpus(src, tgt, projector=method.projector, links=links,
                         extras=[{IMAGE: images[0]}, {IMAGE_ORIGIN: "c.jsonl:2"}])
    assert run.results[0].entities == [Entity(0, 1, "PER"), Entity(2, 3, "LOC")]
    assert run.results[1].status == "error" and "c.jsonl:2" in run.results[1].detail
    assert len(run.report.failed) == 1


def test_tiebreak_decides_only_ties(clip: Path, images: list[str]) -> None:
    from xlner.project.matching import MatchingProjector
    from xlner.project.scores.align import AlignScorer
    from xlner.project.scores.fusion import FusionScorer, Term
    from xlner.project.scores.visual import VisualScorer

    # "Maria" aligned to both target words 0 and 2 (one link each): align ties on [0,1], [2,3]
    item = _item("Maria sees", "Maria sieht Marie", [Entity(0, 1, "PER")], images[0])
    item.links = as_links([(0, 0), (0, 2), (1, 1)])
    visual = VisualScorer(str(clip), mode="tiebreak")
    vis = score_matrices(VisualScorer(str(clip)), [item], [np.array([[0, 1], [2, 3]])])[0][0]
    fused = FusionScorer([Term(AlignScorer(), 1.0), Term(visual, 1.0, bonus=True)])
    got = MatchingProjector(candidates="ngrams:1", scores=fused).project([item])[0]
    expect = (0, 1) if vis[0] > vis[1] else (2, 3)
    assert (got.entities[0].start, got.entities[0].end) == expect
    assert vis[0] != vis[1]
    # when align does not tie, the tie-breaker changes nothing
    item.links = as_links([(0, 2), (1, 1)])
    got = MatchingProjector(candidates="ngrams:1", scores=fused).project([item])[0]
    assert (got.entities[0].start, got.entities[0].end) == (2, 3)


def test_regions_tile_the_image() -> None:
    from PIL import Image

    from xlner.project.scores.visual import regions

    crops = regions(Image.new("RGB", (40, 20)), 2)
    assert [c.size for c in crops] == [(40, 20)] + [(20, 10)] * 4
    assert len(regions(Image.new("RGB", (8, 8)), 0)) == 1


def test_importing_the_scorer_does_not_import_torch_or_pillow() -> None:
    code = ("import sys, xlner.project.scores, xlner.project.scores.visual, "
            "xlner.bench.image_text, xlner.corpora.images; "
            "print('torch' in sys.modules, 'PIL' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]
