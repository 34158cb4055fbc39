"""The public API: one call per step, re-exported as ``xlner.<name>`` (loaded on first use).

>>> import xlner
>>> sorted(set(xlner.__all__) & {"load_corpus", "align", "project", "evaluate"})
['align', 'evaluate', 'load_corpus', 'project']

Every function takes the objects of the core data model (:class:`~xlner.data.Sentence`,
:class:`~xlner.corpora.corpus.Corpus`, link arrays) or names (corpus names, component specs
such as ``"eflomal(seed=3)"``) and returns the library's result objects. The layer sits above
every package (``docs/architecture.md``); the CLI commands are thin wrappers over it and the
pipeline functions it calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlner.align import create_aligner
from xlner.align.base import Aligner, uses_bitext
from xlner.align.util import align_batch, links_for
from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.corpora.named import load_input
from xlner.corpora.schemes import Scheme
from xlner.data import Entity, Links, Sentence
from xlner.evaluate.metrics import Scores
from xlner.evaluate.metrics import evaluate as _evaluate
from xlner.pipelines.config import RunConfig, translate_train_config
from xlner.pipelines.parallel import project_parallel
from xlner.pipelines.project import ProjectionRun
from xlner.pipelines.run import RunResult
from xlner.pipelines.run import run as _run
from xlner.pipelines.translate_test import TranslateTestResult
from xlner.pipelines.translate_test import translate_test as _translate_test
from xlner.pipelines.translate_train import TranslateTrainResult
from xlner.pipelines.translate_train import translate_train as _translate_train
from xlner.protocols import Tagger, Translator
from xlner.translate import create_translator

CorpusLike = Corpus | str | Path | Sequence[Sentence]
"""A corpus, a corpus name (``europarl-ner:de``), a file path, or sentences in memory."""
WordsLike = Corpus | str | Path | Sequence[Sentence] | Sequence[Sequence[str]]
"""As :data:`CorpusLike`, or word lists (unlabelled sentences)."""

__all__ = ["align", "evaluate", "load_corpus", "project", "run", "translate_test",
           "translate_train"]


def load_corpus(name_or_path: str | Path, *, data_dir: str | Path | None = None,
                download: bool = True, label_map: LabelMap | str | None = None,
                scheme: Scheme | str = Scheme.IOB2, repair: bool = False,
                tokenize: str = "whitespace") -> Corpus:
    """A corpus by name (``europarl-ner:de``, ``masakhaner2:hau:test``, from ``data_dir`` or
    ``$XLNER_DATA_DIR``, downloaded once when missing unless ``download=False``), or a CoNLL
    or text file. ``label_map`` renames or drops classes (``"MISC=O"``).

    >>> import tempfile, pathlib, xlner
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "en.conll"
    >>> _ = path.write_text("Angela B-PER\\nMerkel I-PER\\nvisited O\\nParis B-LOC\\n\\n")
    >>> corpus = xlner.load_corpus(path)
    >>> corpus[0].words
    ('Angela', 'Merkel', 'visited', 'Paris')
    >>> corpus[0].entities
    (Entity(start=0, end=2, label='PER'), Entity(start=3, end=4, label='LOC'))
    >>> xlner.load_corpus(path, label_map="LOC=O")[0].entities
    (Entity(start=0, end=2, label='PER'),)
    """
    return load_input(name_or_path, data_dir=data_dir, download=download, label_map=label_map,
                      scheme=scheme, repair=repair, tokenize=tokenize)


def align(source: WordsLike, target: WordsLike, aligner: str | Aligner = "eflomal",
          *, symmetrize: str | None = None, **params: Any) -> list[Links]:
    """Word links ``(n, 2)`` of each sentence pair, from an aligner spec (``eflomal``,
    ``simalign(model=...)``, ...) or object; ``params`` go to the aligner's constructor.
    ``symmetrize`` picks the symmetrisation of an aligner with directional links.

    >>> import xlner
    >>> from xlner.data import format_pharaoh
    >>> src = [["Merkel", "visited", "Paris"], ["Paris", "is", "big"]] * 5
    >>> tgt = [["Merkel", "besuchte", "Paris"], ["Paris", "ist", "groß"]] * 5
    >>> links = xlner.align(src, tgt, "eflomal", symmetrize="intersection")
    >>> format_pharaoh(links[0])
    '0-0 1-1 2-2'
    """
    if isinstance(aligner, str):
        aligner = create_aligner(aligner, **params)
    src, tgt = _words(source), _words(target)
    aligned = align_batch(aligner, src, tgt)
    return links_for(aligned, aligner, symmetrize)[0]


def project(source: CorpusLike, target: WordsLike, method: str = "heuristic", *,
            aligner: str | Aligner = "eflomal", links: Sequence[Links] | None = None,
            symmetrize: str | None = None, out: str | Path | None = None,
            data_dir: str | Path | None = None, resume: bool = True,
            aligner_params: dict[str, Any] | None = None,
            **method_params: Any) -> ProjectionRun:
    """Project the entities of ``source`` onto the parallel ``target`` with a projection
    method (``heuristic``, ``ilp+lex``, ``matching(...)``; ``method_params`` override its
    parameters). Without ``links`` the pair is aligned with ``aligner``. With ``out`` the
    projected CoNLL is written there with its signature and report (the alignment is kept in
    ``OUT.align`` and reused when nothing changed).

    >>> import numpy as np, xlner
    >>> from xlner.data import Entity, Sentence
    >>> en = [Sentence(("Angela", "Merkel", "visited", "Paris"),
    ...                (Entity(0, 2, "PER"), Entity(3, 4, "LOC")))]
    >>> de = [("Angela", "Merkel", "besuchte", "Paris")]
    >>> links = [np.array([[0, 0], [1, 1], [2, 2], [3, 3]], dtype=np.int32)]
    >>> run = xlner.project(en, de, "ilp", links=links)
    >>> run.corpus[0].entities
    (Entity(start=0, end=2, label='PER'), Entity(start=3, end=4, label='LOC'))
    >>> run.report.projected_entities, run.report.failed
    (2, [])
    """
    src, tgt = _corpus(source, data_dir, "source"), _corpus(target, data_dir, "target")
    params = dict(aligner_params or {})
    if uses_bitext(aligner):
        params.setdefault("data_dir", data_dir)
    return project_parallel(src, tgt, method, method_params=method_params, aligner=aligner,
                            aligner_params=params, links=links, symmetrize=symmetrize,
                            out=out, resume=resume).run


def translate_train(source: CorpusLike, translator: str | Translator, lang: str,
                    out_dir: str | Path | None = None, *, data_dir: str | Path | None = None,
                    **options: Any) -> TranslateTrainResult:
    """Translate-train: translate labelled ``source`` sentences into ``lang``, project their
    entities onto the translations and (with ``tagger=``) train and evaluate a tagger on them.
    ``translator`` is a spec (``nllb(device=cuda)``, ``cached(path=FILE)``) or object;
    ``options`` are the settings of :func:`xlner.pipelines.config.translate_train_config`
    (``methods``, ``filters``, ``tagger``, ...) and ``eval_corpus`` (a corpus to score the
    trained tagger on).

    >>> import tempfile, pathlib, xlner
    >>> from xlner.data import Entity, Sentence
    >>> en = [Sentence(("Angela", "Merkel", "visited", "Paris", "."),
    ...                (Entity(0, 2, "PER"), Entity(3, 4, "LOC")))] * 4
    >>> cache = pathlib.Path(tempfile.mkdtemp()) / "de.txt"
    >>> _ = cache.write_text("Angela Merkel besuchte Paris .\\n" * 4)
    >>> result = xlner.translate_train(en, f"cached(path={cache})", "de",
    ...                                tokenizer="whitespace", bitext=False)
    >>> result.outcomes[0].train[0].entities
    (Entity(start=0, end=2, label='PER'), Entity(start=3, end=4, label='LOC'))
    """
    src = _corpus(source, data_dir, "source")
    eval_corpus = options.pop("eval_corpus", None)
    spec = translator if isinstance(translator, str) else "cached"
    config = translate_train_config(lang=lang, translator=spec, out=out_dir,
                                    data_dir=data_dir, **options)
    return _translate_train(config, source=src, eval_corpus=eval_corpus,
                            translator=None if isinstance(translator, str) else translator)


def translate_test(target: CorpusLike, translator: str | Translator, tagger: str | Path | Tagger,
                   lang: str, out_dir: str | Path | None = None, *,
                   data_dir: str | Path | None = None, **options: Any) -> TranslateTestResult:
    """Translate-test: translate ``target`` (language ``lang``) into English, tag the
    translation with ``tagger`` (an object, a saved tagger's directory, a spec or a Hugging
    Face model name), project the entities back and score them against ``target``'s labels.
    ``options`` are those of :func:`xlner.pipelines.translate_test.translate_test`.

    >>> import tempfile, pathlib, xlner
    >>> from xlner.data import Entity, Sentence
    >>> from xlner.tag.crf import CRFTagger
    >>> en = [Sentence(("Merkel", "visited", "Paris"),
    ...                (Entity(0, 1, "PER"), Entity(2, 3, "LOC")))] * 8
    >>> tagger = CRFTagger(max_iterations=20)
    >>> tagger.train(en)
    >>> de = [Sentence(("Merkel", "besuchte", "Paris"),
    ...                (Entity(0, 1, "PER"), Entity(2, 3, "LOC")))] * 8
    >>> cache = pathlib.Path(tempfile.mkdtemp()) / "en.txt"
    >>> _ = cache.write_text("Merkel visited Paris\\n" * 8)
    >>> result = xlner.translate_test(de, f"cached(path={cache})", tagger, "de",
    ...                               tokenizer="whitespace", bitext=False)
    >>> result.scores.f1
    1.0
    """
    tgt = _corpus(target, data_dir, "target")
    if isinstance(translator, str):
        translator = create_translator(translator)
    return _translate_test(tgt, translator, tagger, lang, out_dir, data_dir=data_dir, **options)


def evaluate(gold: CorpusLike, predicted: CorpusLike | Sequence[Sequence[Entity]]) -> Scores:
    """Span precision, recall and F1 (seqeval, strict IOB2), micro and per class, of
    ``predicted`` sentences (or entity lists) against ``gold``.

    >>> import xlner
    >>> from xlner.data import Entity, Sentence
    >>> gold = [Sentence(("Merkel", "visited", "Paris"),
    ...                  (Entity(0, 1, "PER"), Entity(2, 3, "LOC")))]
    >>> scores = xlner.evaluate(gold, [[Entity(0, 1, "PER")]])
    >>> round(scores.precision, 2), round(scores.recall, 2), round(scores.f1, 3)
    (1.0, 0.5, 0.667)
    """
    gold_corpus = _corpus(gold, None, "gold")
    if isinstance(predicted, str | Path):
        predicted = _corpus(predicted, None, "predicted")
    return _evaluate(gold_corpus.sentences,
                     predicted.sentences if isinstance(predicted, Corpus)
                     else predicted)


def _corpus(data: WordsLike, data_dir: str | Path | None, name: str) -> Corpus:
    """A :class:`Corpus` from any of the accepted forms (word lists become unlabelled)."""
    if isinstance(data, Corpus):
        return data
    if isinstance(data, str | Path):
        return load_input(data, data_dir=data_dir)
    return Corpus([s if isinstance(s, Sentence) else Sentence(tuple(s)) for s in data],
                  name=name)


def _words(data: WordsLike) -> list[tuple[str, ...]]:
    return _corpus(data, None, "words").words


def run(config: RunConfig | str | Path) -> RunResult:
    """Run a whole pipeline described by one run configuration: a
    :class:`~xlner.pipelines.config.RunConfig` or the TOML file of one (``xlner run RUN.toml``;
    every command prints its own with ``--print-config``). Its outputs carry signatures read
    from the configuration, and its stages resume.

    >>> import tempfile, pathlib, xlner
    >>> from xlner.pipelines.config import project_config
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "en.conll").write_text("Merkel B-PER\\nvisited O\\nParis B-LOC\\n\\n")
    >>> _ = (d / "de.txt").write_text("Merkel besuchte Paris\\n")
    >>> _ = (d / "links.txt").write_text("0-0 1-1 2-2\\n")
    >>> config = project_config(source=str(d / "en.conll"), target=str(d / "de.txt"),
    ...                         out=d / "de.conll", method="ilp", links=str(d / "links.txt"))
    >>> (d / "run.toml").write_text(config.to_toml()) > 0
    True
    >>> result = xlner.run(d / "run.toml")
    >>> result.outcome.run.corpus[0].entities
    (Entity(start=0, end=1, label='PER'), Entity(start=2, end=3, label='LOC'))
    >>> (d / "de.conll").read_text().splitlines()[0]
    'Merkel\\tB-PER'
    """
    return _run(config)
