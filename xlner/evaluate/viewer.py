"""A projection viewer: one self-contained HTML page (no server, no network).

Source and target sentences of each pair, one above the other, the alignment links drawn between
their words, source entities and projected spans coloured by class, and the projection's errors
against the gold marked: ``missed`` (a gold entity no prediction overlaps), ``spurious`` (a
prediction that overlaps no gold entity), ``boundary`` (overlaps a gold entity of its class with
other boundaries), ``class`` (the same words as a gold entity, another class); ``correct`` for
exact matches. Filters by error type and class, a word search and paging run in the page.

The page reads its state from the URL hash (``#error=missed&class=PER&q=Rome&page=2``), so a
link can show one view; ``click=<element id>`` clicks that element once the page is drawn.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlner.data import Entity, Links, Sentence
from xlner.errors import InputError
from xlner.files import atomic_write

ERROR_KINDS = ("missed", "spurious", "boundary", "class")


@dataclass(frozen=True)
class SpanError:
    """One judged span of the target: ``kind`` is ``correct`` or one of :data:`ERROR_KINDS`.
    ``gold`` is the gold entity concerned (None for spurious), ``pred`` the prediction (None
    for missed)."""

    kind: str
    pred: Entity | None
    gold: Entity | None

    @property
    def label(self) -> str:
        ent = self.pred if self.pred is not None else self.gold
        assert ent is not None
        return ent.label


def span_errors(gold: Sequence[Entity], pred: Sequence[Entity]) -> list[SpanError]:
    """Judge each prediction against the gold of one sentence, and list missed gold entities.

    A prediction is ``correct`` when it equals a gold entity, ``class`` when a gold entity has
    its words but another label, ``boundary`` when it overlaps a gold entity otherwise (the
    overlapping gold entity of its class first), ``spurious`` when it overlaps none. A gold
    entity that no prediction overlaps is ``missed``."""
    out: list[SpanError] = []
    gold_set = set(gold)
    touched: set[Entity] = set()
    for p in pred:
        overlapping = [g for g in gold if g.start < p.end and p.start < g.end]
        touched.update(overlapping)
        if p in gold_set:
            out.append(SpanError("correct", p, p))
        elif any(g.span == p.span for g in overlapping):
            out.append(SpanError("class", p, next(g for g in overlapping if g.span == p.span)))
        elif overlapping:
            same = [g for g in overlapping if g.label == p.label]
            out.append(SpanError("boundary", p, (same or overlapping)[0]))
        else:
            out.append(SpanError("spurious", p, None))
    out += [SpanError("missed", None, g) for g in gold if g not in touched]
    return sorted(out, key=lambda e: ((e.pred or e.gold).start, e.kind))  # type: ignore[union-attr]


def _ents(entities: Sequence[Entity]) -> list[list[Any]]:
    return [[e.start, e.end, e.label] for e in entities]


def _error_row(e: SpanError) -> list[Any]:
    """``[kind, start, end, predicted label, gold label]`` (the predicted span, else the
    gold one), plus the gold span's start and end for boundary errors."""
    ent = e.pred if e.pred is not None else e.gold
    assert ent is not None
    row: list[Any] = [e.kind, ent.start, ent.end, e.pred.label if e.pred else "",
                      e.gold.label if e.gold else ""]
    if e.kind == "boundary" and e.gold is not None:
        row += [e.gold.start, e.gold.end]
    return row


def viewer_data(pred: Sequence[Sentence], *, gold: Sequence[Sentence] | None = None,
                source: Sequence[Sentence] | None = None,
                links: Sequence[Links] | None = None,
                names: dict[str, str] | None = None) -> dict[str, Any]:
    """The JSON the page renders: per sentence its words, entities, links and judged spans."""
    n = len(pred)
    for what, other in (("gold", gold), ("source", source), ("links", links)):
        if other is not None and len(other) != n:
            raise InputError(f"{len(other)} {what} sentences for {n} projected ones",
                             source=(names or {}).get(what))
    rows: list[dict[str, Any]] = []
    for i, p in enumerate(pred):
        row: dict[str, Any] = {"t": list(p.words), "p": _ents(p.entities)}
        if gold is not None:
            g = gold[i]
            if g.words != p.words:
                raise InputError(f"sentence {i + 1}: the gold words differ from the projected "
                                 f"ones ({' '.join(g.words[:6])}...)",
                                 source=(names or {}).get("gold"))
            row["g"] = _ents(g.entities)
            row["e"] = [_error_row(e) for e in span_errors(g.entities, p.entities)]
        if source is not None:
            row["s"] = list(source[i].words)
            row["se"] = _ents(source[i].entities)
        if links is not None:
            lk = links[i]
            if lk.size and ((source is not None and lk[:, 0].max() >= len(source[i]))
                            or lk[:, 1].max() >= len(p)):
                raise InputError(f"sentence {i + 1}: a link points past the sentence",
                                 source=(names or {}).get("links"), line=i + 1)
            row["l"] = lk.reshape(-1).tolist()
        rows.append(row)
    classes = sorted({e[2] for r in rows for key in ("p", "g", "se") for e in r.get(key, [])})
    return {"sentences": rows, "classes": classes, "names": names or {},
            "has_gold": gold is not None, "has_source": source is not None,
            "has_links": links is not None}


def render_html(data: dict[str, Any], title: str = "xlner projection") -> str:
    """The self-contained page for :func:`viewer_data`'s output."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    template = (Path(__file__).with_name("viewer.html")).read_text(encoding="utf-8")
    return (template.replace("__TITLE__", html.escape(title))
            .replace("__DATA__", payload))


def write_viewer(out: str | Path, pred: Sequence[Sentence], **kwargs: Any) -> Path:
    """Write the page atomically; keyword arguments as :func:`viewer_data` (plus ``title``)."""
    title = kwargs.pop("title", "xlner projection")
    page = render_html(viewer_data(pred, **kwargs), title=title)
    with atomic_write(out) as handle:
        handle.write(page)
    return Path(out)
