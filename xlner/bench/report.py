"""Plots and an HTML report of benchmark results and run directories (``xlner report``).

A benchmark JSON (``bench europarl``, ``bench masakhaner-nllb``) gives a per-language F1 bar
chart of every label set or method, the peer rows (T-Projection's labels) hatched and the gold
upper bound drawn as a line; a run directory (``project`` output, ``translate-train --out``)
gives, per projection report found in it, entities projected and unprojected by reason and
class. Each chart is written as PNG and SVG beside an ``index.html`` that shows them with their
tables. matplotlib is the ``[plots]`` extra.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlner.errors import ConfigError, InputError
from xlner.files import atomic_write

HINT = "plots need the [plots] extra: pip install 'xlner[plots]'"
PEER = "tprojection"
GOLD = "gold"


@dataclass
class Section:
    """One part of the report: a title, its charts (file stems) and an HTML table."""

    title: str
    charts: list[str] = field(default_factory=list)
    table: str = ""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise ConfigError(HINT) from None
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text in the SVG
    matplotlib.rcParams["svg.hashsalt"] = "xlner"
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, out: Path, stem: str) -> str:
    for ext in ("png", "svg"):
        target = out / f"{stem}.{ext}"
        tmp = target.with_name(f".{target.name}.tmp")
        fig.savefig(tmp, format=ext, bbox_inches="tight", dpi=110,
                    metadata={"Date": None} if ext == "svg" else None)
        tmp.replace(target)
    return stem


def f1_table(results: Sequence[Mapping[str, Any]]) -> tuple[list[str], dict[str, dict[str, float]]]:
    """Languages (in order) and ``{row name: {lang: F1}}`` from benchmark rows (``labels`` for
    MasakhaNER rows, ``method`` for Europarl rows)."""
    langs: list[str] = []
    table: dict[str, dict[str, float]] = {}
    for k, row in enumerate(results, 1):
        name = row.get("labels", row.get("method"))
        if not isinstance(name, str) or "lang" not in row or "f1" not in row:
            raise InputError("benchmark row without lang, f1 and labels/method", line=k)
        if row["lang"] not in langs:
            langs.append(row["lang"])
        table.setdefault(name, {})[row["lang"]] = float(row["f1"])
    return langs, table


def _html_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        return f"{v:.3f}" if isinstance(v, float) else html.escape(str(v))

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bench_section(bench: Mapping[str, Any], out: Path, stem: str, title: str) -> Section:
    """The F1 chart and table of one benchmark JSON."""
    plt = _pyplot()
    langs, table = f1_table(bench.get("results") or [])
    if not table:
        raise InputError("no results in the benchmark file", source=title)
    gold = table.get(GOLD, {})
    bars = [name for name in table if name != GOLD]
    width = 0.8 / max(1, len(bars))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(langs) * max(1, len(bars)) ** 0.5), 4))
    for k, name in enumerate(bars):
        xs = [i + (k - (len(bars) - 1) / 2) * width for i in range(len(langs))]
        ys = [table[name].get(lang, float("nan")) for lang in langs]
        ax.bar(xs, ys, width, label=name, hatch="//" if name.startswith(PEER) else None,
               edgecolor="black" if name.startswith(PEER) else None, linewidth=0.5)
    for i, lang in enumerate(langs):
        if lang in gold:
            ax.hlines(gold[lang], i - 0.45, i + 0.45, colors="black", linestyles="dashed",
                      label="gold (upper bound)" if i == 0 else None)
    ax.set_xticks(range(len(langs)), langs)
    ax.set_ylabel("span F1")
    ax.set_ylim(0, 1)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(axis="y", alpha=0.3)
    chart = _save(fig, out, stem)
    plt.close(fig)
    rows = [[name, *[table[name].get(lang, "") for lang in langs],
             sum(table[name].values()) / len(table[name])] for name in table]
    return Section(title, [chart], _html_table(["labels / method", *langs, "avg"], rows))


def projection_section(report: Mapping[str, Any], out: Path, stem: str, title: str) -> Section:
    """Projected and unprojected source entities by class (stacked by reason)."""
    plt = _pyplot()
    by_class: Mapping[str, Any] = report.get("by_class") or {}
    if "sentences" not in report:
        raise InputError("not a projection report (no 'sentences')", source=title)
    classes = sorted(by_class)
    reasons = sorted({r for c in by_class.values() for r in (c.get("unprojected") or {})})
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    landed = [by_class[c].get("source", 0) - sum((by_class[c].get("unprojected") or {})
                                                 .values()) for c in classes]
    ax1.bar(classes, landed, label="projected", color="#3cb44b")
    bottom = list(landed)
    for reason in reasons:
        ys = [(by_class[c].get("unprojected") or {}).get(reason, 0) for c in classes]
        ax1.bar(classes, ys, bottom=bottom, label=f"unprojected: {reason}")
        bottom = [b + y for b, y in zip(bottom, ys, strict=True)]
    ax1.set_title("source entities by class")
    ax1.set_ylabel("entities")
    ax1.legend(fontsize=7)
    totals = report.get("unprojected") or {}
    ax2.barh(list(totals) or ["(none)"], list(totals.values()) or [0], color="#e6194b")
    ax2.set_title("unprojected by reason")
    fig.suptitle(title, fontsize=10)
    chart = _save(fig, out, stem)
    plt.close(fig)
    rows = [[c, by_class[c].get("source", 0), by_class[c].get("projected", 0),
             *[(by_class[c].get("unprojected") or {}).get(r, 0) for r in reasons]]
            for c in classes]
    rows.append(["all", report.get("source_entities", ""), report.get("projected_entities", ""),
                 *[totals.get(r, 0) for r in reasons]])
    failed = report.get("failed_sentences") or []
    table = _html_table(["class", "source", "projected (target)",
                         *[f"unprojected: {r}" for r in reasons]], rows)
    table += f"<p>{report['sentences']} sentences; failed sentences: {len(failed)}</p>"
    return Section(title, [chart], table)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text).strip("-") or "chart"


def collect(path: Path, out: Path) -> list[Section]:
    """Sections for a benchmark JSON or a run directory."""
    if path.is_file():
        data = _read_json(path)
        if isinstance(data, dict) and "results" in data:
            return [bench_section(data, out, _slug(path.stem), path.name)]
        if isinstance(data, dict) and "by_class" in data:
            return [projection_section(data, out, _slug(path.name), path.name)]
        raise InputError("neither a benchmark result (results) nor a projection report "
                         "(by_class)", source=path)
    if not path.is_dir():
        raise InputError("no such file or directory", source=path)
    sections: list[Section] = []
    for report in sorted(path.rglob("*.report.json")):
        rel = report.relative_to(path).as_posix()
        data = _read_json(report)
        if isinstance(data, dict) and "by_class" in data:
            sections.append(projection_section(data, out, _slug(rel), rel))
    summary = path / "summary.json"
    if summary.is_file():
        data = _read_json(summary)
        rows = [[m.get("method"), (m.get("scores") or {}).get("f1", ""),
                 (m.get("projection") or {}).get("projected_entities", ""),
                 sum(((m.get("projection") or {}).get("unprojected") or {}).values())]
                for m in (data.get("methods") or [])] if isinstance(data, dict) else []
        if rows:
            sections.append(Section("summary.json", [], _html_table(
                ["method", "tagger F1", "projected entities", "unprojected"], rows)))
    if not sections:
        raise InputError("no *.report.json or summary.json found", source=path)
    return sections


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", source=path, line=exc.lineno) from None


def write_report(inputs: Sequence[str | Path], out: str | Path) -> Path:
    """Charts (PNG + SVG) and ``index.html`` for each input; returns the index path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sections: list[Section] = []
    for item in inputs:
        sections += collect(Path(item), out)
    parts = []
    for s in sections:
        imgs = "".join(f'<p><img src="{html.escape(c)}.svg" alt="{html.escape(s.title)}">'
                       f' <a href="{html.escape(c)}.png">PNG</a></p>' for c in s.charts)
        parts.append(f"<section><h2>{html.escape(s.title)}</h2>{imgs}{s.table}</section>")
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>xlner report</title>"
            "<style>body{font:14px system-ui,sans-serif;margin:16px}table{border-collapse:"
            "collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
            "td:first-child,th:first-child{text-align:left}img{max-width:100%}</style></head>"
            "<body><h1>xlner report</h1>" + "".join(parts) + "</body></html>\n")
    index = out / "index.html"
    with atomic_write(index) as handle:
        handle.write(page)
    return index
