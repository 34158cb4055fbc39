"""Every predicted and gold entity of a parallel NER corpus, classified against the target gold,
and the bounds the classes put on F1.

    PYTHONPATH=. python scripts/parallel_errors.py --data-dir ../shared/data \\
        --corpus uner-pud --lang de --method ilp+lex+adj --work-dir runs/uner [--show short]

The alignment is ``bench parallel``'s (the same aligner settings and bitext; with
``--work-dir`` the stage ``bench parallel --work-dir`` wrote is reused). Classes of a predicted
entity that is not in the gold: ``label`` (a gold entity has its span, with another class),
``short`` (inside a longer gold entity), ``long`` (holds a shorter one), ``shift`` (overlaps
without nesting), ``pred-no-gold`` (overlaps none); ``gold-no-pred``: gold entities no
prediction overlaps. ``ceiling``: the per-sentence agreement of the two languages' entity
counts by class (the optimistic bound of issue 12); ``all short fixed``: F1 if every ``short``
prediction had its gold span. ``--show CLASS`` lists that class (sentence, prediction, gold,
English entities).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from xlner.align.util import directional_extras, links_for
from xlner.bench.parallel import _prepare, load_side
from xlner.corpora.labels import LabelMap
from xlner.data import Sentence
from xlner.evaluate.metrics import evaluate
from xlner.pipelines.project import project_corpus
from xlner.pipelines.stages import Workspace
from xlner.pipelines.steps import align_step, words_description
from xlner.project.recipes import resolve_method

Span = tuple[int, int, str]


def classify(pred: Span, gold: set[Span]) -> str:
    """The class of a predicted entity that is not in ``gold`` (see the module docstring)."""
    overlapping = [g for g in gold if g[0] < pred[1] and pred[0] < g[1]]
    if not overlapping:
        return "pred-no-gold"
    if any(g[:2] == pred[:2] for g in overlapping):
        return "label"
    if any(g[0] <= pred[0] and pred[1] <= g[1] for g in overlapping):
        return "short"
    if any(pred[0] <= g[0] and g[1] <= pred[1] for g in overlapping):
        return "long"
    return "shift"


def count_ceiling(source: Sequence[Sentence], target: Sequence[Sentence]) -> float:
    """F1 of per-sentence entity counts by class (each class counted as matched up to the
    smaller of the two counts): an optimistic bound, blind to spans."""
    agree = total = 0
    for s, t in zip(source, target, strict=True):
        a, b = Counter(e.label for e in s.entities), Counter(e.label for e in t.entities)
        agree += sum((a & b).values())
        total += sum(a.values()) + sum(b.values())
    return 2 * agree / total if total else 0.0


def analyse(corpus: str, lang: str, method: str, *, data_dir: str | None,
            work_dir: str | None) -> tuple[dict[str, Any], dict[str, list[tuple[Any, ...]]]]:
    """Counts and bounds (a JSON-able dict) and the examples of every class."""
    source = load_side(corpus, "en", data_dir=data_dir)
    _, target, src, keep, _, aligner = _prepare(corpus, lang, source, "eflomal", None,
                                                bitext=True, data_dir=data_dir, download=False)
    entities = [s.entities for s in src]
    if work_dir is None:
        from xlner.align.util import align_batch

        aligned = align_batch(aligner, src.words, target.words, entities)
    else:
        aligned, _, _ = align_step(Workspace(work_dir, resume=True), src.words, target.words,
                                   aligner, upstream=[words_description(src),
                                                      words_description(target)],
                                   prefix=f"{lang}/", entities=entities)
    resolved = resolve_method(method)
    links, _ = links_for(aligned, aligner, resolved.symmetrize)
    run = project_corpus(src, target, projector=resolved.projector, links=links,
                         extras=directional_extras(aligned))
    predicted = [LabelMap(keep=keep).apply_sentence(s) for s in run.corpus.sentences]
    counts: Counter[str] = Counter()
    examples: dict[str, list[tuple[Any, ...]]] = {}

    def text(words: Sequence[str], span: Span) -> str:
        return " ".join(words[span[0]:span[1]]) + "/" + span[2]

    for k, (g, p, s) in enumerate(zip(target.sentences, predicted, src.sentences, strict=True)):
        gold = {(e.start, e.end, e.label) for e in g.entities}
        pred = {(e.start, e.end, e.label) for e in p.entities}
        english = " | ".join(text(s.words, (e.start, e.end, e.label)) for e in s.entities)
        counts["correct"] += len(pred & gold)
        for span in sorted(pred - gold):
            c = classify(span, gold)
            counts[c] += 1
            near = " | ".join(text(g.words, x) for x in sorted(gold)
                              if x[0] < span[1] and span[0] < x[1])
            examples.setdefault(c, []).append((k, text(g.words, span), near, english))
        for span in sorted(gold):
            if not any(x[0] < span[1] and span[0] < x[1] for x in pred):
                counts["gold-no-pred"] += 1
                examples.setdefault("gold-no-pred", []).append(
                    (k, "", text(g.words, span), english))
    n_pred = sum(len(p.entities) for p in predicted)
    n_gold = sum(len(g.entities) for g in target.sentences)
    fixed = counts["correct"] + counts["short"]
    summary = {"corpus": corpus, "lang": lang, "method": method,
               "f1": evaluate(target.sentences, predicted).f1, "classes": dict(counts),
               "predicted": n_pred, "gold": n_gold,
               "ceiling": count_ceiling(src.sentences, target.sentences),
               "f1_all_short_fixed": 2 * fixed / (n_pred + n_gold)}
    return summary, examples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--corpus", default="uner-pud")
    parser.add_argument("--lang", required=True)
    parser.add_argument("--method", default="ilp+lex+adj")
    parser.add_argument("--work-dir")
    parser.add_argument("--show", help="list the entities of this class")
    args = parser.parse_args()
    summary, examples = analyse(args.corpus, args.lang, args.method, data_dir=args.data_dir,
                                work_dir=args.work_dir)
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    for row in examples.get(args.show or "", []):
        print(*row, sep="\t")


if __name__ == "__main__":
    main()
