"""Component specs: parameters, nesting, bracketed values."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from xlner import registry
from xlner.data import Entity, Sentence
from xlner.errors import ConfigError
from xlner.registry import parse_params, parse_spec, split_top


def test_plain_parameters_are_typed() -> None:
    assert parse_params("a=1,b=0.5,c=true,d=none,e=x") == {
        "a": 1, "b": 0.5, "c": True, "d": None, "e": "x"}
    assert parse_params("") == {}


def test_nested_specs_and_bracketed_values_keep_their_commas() -> None:
    name, params = parse_spec("matching(candidates=ngrams:10+tagger,"
                              "scores=[align=0.5,tagger(mode=span)=0.5],solver=ilp)")
    assert name == "matching"
    assert params == {"candidates": "ngrams:10+tagger",
                      "scores": "align=0.5,tagger(mode=span)=0.5", "solver": "ilp"}
    assert parse_params("aligner=eflomal(seed=3,symmetrize=union),k=2") == {
        "aligner": "eflomal(seed=3,symmetrize=union)", "k": 2}
    assert split_top("a,(b,c),[d,e]") == ["a", "(b,c)", "[d,e]"]


def test_bad_parameters_are_errors() -> None:
    with pytest.raises(ConfigError, match="key=value"):
        parse_params("a=1,oops")
    with pytest.raises(ConfigError, match="key=value"):
        # an unbracketed fused score: its commas would split it
        parse_params("scores=align=0.5,tagger(mode=span)=0.5")


# -- components: name and version on the class, entry-point plugins ------------------------------

PLUGIN = '''
import numpy as np

from xlner.align.base import AlignerBase
from xlner.corpora.named import load_bitext
from xlner.corpora.text import Bitext


class DictAligner(AlignerBase):
    """Links words that stand at the same position in equally long bitext lines, or are equal."""

    name = "dictalign"
    version = 3
    uses_bitext = True

    def __init__(self, bitext=None, data_dir=None, download=True):
        self.bitext, self.data_dir, self.download = bitext, data_dir, download

    def align(self, src, tgt):
        bitext = self.bitext
        if not isinstance(bitext, Bitext):
            bitext = load_bitext(bitext, data_dir=self.data_dir, download=self.download)
        pairs = {(a.lower(), b.lower()) for s, t in zip(bitext.source, bitext.target)
                 if len(s) == len(t) for a, b in zip(s, t)}
        return [np.array([(i, j) for i, a in enumerate(s) for j, b in enumerate(t)
                          if a == b or (a.lower(), b.lower()) in pairs],
                         dtype=np.int32).reshape(-1, 2) for s, t in zip(src, tgt)]
'''


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A third-party package on sys.path: one class, one entry point (no xlner edits)."""
    (tmp_path / "xlner_dictalign.py").write_text(PLUGIN, encoding="utf-8")
    info = tmp_path / "xlner_dictalign-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: xlner-dictalign\n"
                                   "Version: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[xlner.aligners]\ndictalign = xlner_dictalign:DictAligner\n", encoding="utf-8")
    bitext = tmp_path / "bitext"
    bitext.mkdir()
    (bitext / "a.en").write_text("the white house\nhe said\n", encoding="utf-8")
    (bitext / "a.de").write_text("das weiße haus\ner sagte\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry.aligners, "_plugins_loaded", False)
    yield bitext
    registry.aligners._entries.pop("dictalign", None)
    sys.modules.pop("xlner_dictalign", None)


def test_a_plugin_aligner_that_learns_from_bitext_projects_by_name(plugin: Path) -> None:
    import xlner

    assert "dictalign" in registry.aligners.names()
    assert registry.aligners.entry("dictalign").version == 3  # declared once, on the class
    en = [Sentence(("The", "White", "House", "said", "so"), (Entity(1, 3, "ORG"),))]
    de = [("Das", "Weiße", "Haus", "sagte", "so")]
    run = xlner.project(en, de, "ilp", aligner="dictalign",
                        aligner_params={"bitext": [f"{plugin}:en-de"]})
    assert run.corpus[0].entities == (Entity(1, 3, "ORG"),)
    # the bitext is what made it land: without the word pairs nothing links White/House
    empty = plugin.parent / "empty"
    empty.mkdir()
    (empty / "a.en").write_text("x\n", encoding="utf-8")
    (empty / "a.de").write_text("y\n", encoding="utf-8")
    run = xlner.project(en, de, "ilp", aligner="dictalign",
                        aligner_params={"bitext": [f"{empty}:en-de"]})
    assert run.corpus[0].entities == ()
    assert run.report.unprojected


def test_the_pipelines_pass_bitext_settings_to_a_plugin_that_uses_it(plugin: Path) -> None:
    from xlner.pipelines.steps import make_aligner

    aligner = make_aligner("dictalign", {"bitext": [f"{plugin}:en-de"]}, lang="de",
                           data_dir=plugin.parent, download=False)
    assert aligner.describe() == {"name": "dictalign", "version": 3,
                                  "bitext": [f"{plugin}:en-de"], "data_dir": plugin.parent,
                                  "download": False}


def test_the_pipelines_give_a_plugin_the_shared_bitext_of_the_pair(plugin: Path) -> None:
    """Nothing but ``uses_bitext = True`` on the class: translate-train and translate-test
    (``make_aligner``) load ``bitext:en-<lang>`` from the data directory and pass it on."""
    from xlner.corpora.text import Bitext
    from xlner.pipelines.steps import make_aligner

    data = plugin.parent / "data"
    (data / "bitext").mkdir(parents=True)
    plugin.rename(data / "bitext" / "en-de")
    aligner = make_aligner("dictalign", lang="de", data_dir=data, download=False)
    assert isinstance(aligner.bitext, Bitext)
    assert aligner.bitext.source == [("the", "white", "house"), ("he", "said")]
    links = aligner.align([("The", "White", "House")], [("Das", "Weiße", "Haus")])
    assert links[0].tolist() == [[0, 0], [1, 1], [2, 2]]
    assert make_aligner("dictalign", lang="de", data_dir=data, download=False,
                        bitext=False).bitext is None


def test_register_reads_name_and_version_from_the_class_and_keeps_the_old_styles() -> None:
    reg: registry.Registry[object] = registry.Registry("thing")

    @reg.register
    class A:
        """The a thing."""
        name = "a"
        version = 4

    @reg.register("b", version=2)
    class B:
        pass

    reg.register("c", version=5, factory="xlner.data:Span", description="lazy")
    assert [(e.name, e.version, e.description) for e in reg] == [
        ("a", 4, "The a thing."), ("b", 2, ""), ("c", 5, "lazy")]
    assert reg.create("c(start=1,end=2)") == (1, 2)
    with pytest.raises(ConfigError, match="registered twice"):
        reg.register(A)
    with pytest.raises(ConfigError, match="invalid thing spec 'z' at position 0: unknown thing "
                                          "'z'; valid names: a, b, c"):
        reg.create("z")
    with pytest.raises(ConfigError, match="unknown thing 'z'; available: a, b, c"):
        reg.entry("z")


def test_a_broken_plugin_is_reported_when_used(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    info = tmp_path / "broken-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[xlner.things]\nbroken = no_such_module:X\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    reg: registry.Registry[object] = registry.Registry("thing", "xlner.things")
    assert reg.names() == ["broken"]
    with pytest.raises(ConfigError, match=r"broken.*no_such_module"):
        reg.create("broken")
