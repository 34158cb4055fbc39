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
            row["e"] = [[e.kind, *(list(e.pred[:2]) if e.pred else list(e.gold[:2])),  # type: ignore[index]
                         e.pred.label if e.pred else "", e.gold.label if e.gold else ""]
                        for e in span_errors(g.entities, p.entities)]
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
    return (_TEMPLATE.replace("__TITLE__", html.escape(title))
            .replace("__DATA__", payload))


def write_viewer(out: str | Path, pred: Sequence[Sentence], **kwargs: Any) -> Path:
    """Write the page atomically; keyword arguments as :func:`viewer_data` (plus ``title``)."""
    title = kwargs.pop("title", "xlner projection")
    page = render_html(viewer_data(pred, **kwargs), title=title)
    with atomic_write(out) as handle:
        handle.write(page)
    return Path(out)


_TEMPLATE = r"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#fafafa;color:#222}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ccc;padding:8px 12px;z-index:2}
header h1{font-size:16px;margin:0 0 6px}
fieldset{display:inline-block;border:1px solid #ddd;margin:0 8px 4px 0;padding:2px 8px}
legend{font-size:12px;color:#666}
label{margin-right:8px;white-space:nowrap}
#stats{color:#555;margin-left:8px}
main{padding:8px 12px}
.pair{background:#fff;border:1px solid #ddd;border-radius:4px;margin:8px 0;padding:6px 10px;position:relative}
.pair .id{font-size:11px;color:#888}
.row{display:flex;flex-wrap:wrap;gap:4px 6px;position:relative;z-index:1}
.row.src{margin-bottom:34px}
.w{padding:1px 3px;border-radius:3px;border-bottom:3px solid transparent;cursor:default}
.w.hit{outline:2px solid #f5c400}
.w.lit{background:#fff3a8}
svg.links{position:absolute;left:0;top:0;pointer-events:none;z-index:0}
svg.links line{stroke:#9aa;stroke-width:1}
.errs{margin-top:4px;font-size:12px}
.err{display:inline-block;margin-right:6px;padding:0 4px;border-radius:3px;border:1px solid}
.err.missed{border-color:#c00;color:#c00}.err.spurious{border-color:#d60;color:#d60}
.err.boundary{border-color:#06c;color:#06c}.err.class{border-color:#808;color:#808}
.err.correct{border-color:#393;color:#393}
.mark-missed{text-decoration:underline wavy #c00}.mark-spurious{text-decoration:line-through #d60}
.mark-boundary{text-decoration:underline dashed #06c}.mark-class{text-decoration:underline double #808}
nav{margin:8px 0}
</style></head><body>
<header><h1>__TITLE__</h1>
<fieldset id="f-error"><legend>errors</legend></fieldset>
<fieldset id="f-class"><legend>classes</legend></fieldset>
<label>search <input id="q" type="search" placeholder="word"></label>
<span id="stats"></span>
<nav><button id="prev">&larr; prev</button> page <span id="page"></span>
<button id="next">next &rarr;</button>
<label>per page <select id="size"><option>20</option><option selected>50</option>
<option>200</option></select></label></nav>
</header>
<main id="list"></main>
<script type="application/json" id="data">__DATA__</script>
<script>
"use strict";
const D=JSON.parse(document.getElementById("data").textContent);
const S=D.sentences, KINDS=["missed","spurious","boundary","class","correct"];
const PALETTE=["#e6194b","#3cb44b","#4363d8","#f58231","#911eb4","#42d4f4","#f032e6","#bfef45","#469990","#9a6324"];
const COLOR={};D.classes.forEach((c,i)=>COLOR[c]=PALETTE[i%PALETTE.length]);
const state={errors:new Set(),classes:new Set(),q:"",page:1,size:50};
function el(tag,attrs,text){const e=document.createElement(tag);for(const k in attrs||{})e.setAttribute(k,attrs[k]);if(text!==undefined)e.textContent=text;return e;}
function counts(){const c={};KINDS.forEach(k=>c[k]=0);S.forEach(s=>(s.e||[]).forEach(e=>c[e[0]]++));return c;}
function box(parent,id,value,text,color){const l=el("label");const i=el("input",{type:"checkbox",id:id,value:value});
 l.appendChild(i);const t=el("span",{},text);if(color)t.style.borderBottom="3px solid "+color;l.appendChild(t);parent.appendChild(l);return i;}
const C=counts();
if(D.has_gold){KINDS.forEach(k=>box(document.getElementById("f-error"),"err-"+k,k,k+" ("+C[k]+")")
 .addEventListener("change",ev=>{toggle(state.errors,k,ev.target.checked);state.page=1;draw();}));}
else document.getElementById("f-error").style.display="none";
D.classes.forEach(c=>box(document.getElementById("f-class"),"cls-"+c,c,c,COLOR[c])
 .addEventListener("change",ev=>{toggle(state.classes,c,ev.target.checked);state.page=1;draw();}));
function toggle(set,v,on){if(on)set.add(v);else set.delete(v);}
function matches(s){
 if(state.errors.size){const es=(s.e||[]).filter(e=>state.errors.has(e[0])&&(!state.classes.size||state.classes.has(e[3]||e[4])));if(!es.length)return false;}
 else if(state.classes.size){const all=[...s.p,...(s.g||[]),...(s.se||[])];if(!all.some(e=>state.classes.has(e[2])))return false;}
 if(state.q){const q=state.q.toLowerCase();if(!s.t.some(w=>w.toLowerCase().includes(q))&&!(s.s||[]).some(w=>w.toLowerCase().includes(q)))return false;}
 return true;}
function words(row,ws,ents,side){const spans=[];ws.forEach((w,i)=>{const x=el("span",{class:"w","data-i":i,"data-side":side},w);spans.push(x);row.appendChild(x);});
 ents.forEach(e=>{for(let i=e[0];i<e[1];i++){spans[i].style.borderBottomColor=COLOR[e[2]];spans[i].title=e[2];spans[i].dataset.label=e[2];}});
 if(state.q){const q=state.q.toLowerCase();spans.forEach(x=>{if(x.textContent.toLowerCase().includes(q))x.classList.add("hit");});}
 return spans;}
function card(s,idx){const c=el("div",{class:"pair","data-n":idx});c.appendChild(el("div",{class:"id"},"#"+(idx+1)));
 let src=null;if(s.s){const r=el("div",{class:"row src"});src=words(r,s.s,s.se||[],"s");c.appendChild(r);}
 const r=el("div",{class:"row tgt"});const tgt=words(r,s.t,s.p,"t");c.appendChild(r);
 (s.e||[]).forEach(e=>{if(e[0]==="correct")return;for(let i=e[1];i<e[2];i++)tgt[i].classList.add("mark-"+e[0]);});
 if(s.e&&s.e.length){const box=el("div",{class:"errs"});s.e.forEach(e=>{const t=s.t.slice(e[1],e[2]).join(" ");
   const lab=e[0]==="class"?e[3]+" (gold "+e[4]+")":(e[3]||e[4]);
   box.appendChild(el("span",{class:"err "+e[0],"data-kind":e[0]},e[0]+": "+t+" "+lab));});c.appendChild(box);}
 c._src=src;c._tgt=tgt;c._links=s.l||[];return c;}
function drawLinks(c){if(!c._src||!c._links.length)return;const base=c.getBoundingClientRect();
 const svg=document.createElementNS("http://www.w3.org/2000/svg","svg");svg.setAttribute("class","links");
 svg.setAttribute("width",base.width);svg.setAttribute("height",base.height);
 const sr=c._src.map(x=>x.getBoundingClientRect()),tr=c._tgt.map(x=>x.getBoundingClientRect());
 for(let k=0;k<c._links.length;k+=2){const a=sr[c._links[k]],b=tr[c._links[k+1]];if(!a||!b)continue;
  const ln=document.createElementNS("http://www.w3.org/2000/svg","line");
  ln.setAttribute("x1",(a.left+a.width/2-base.left).toFixed(1));ln.setAttribute("y1",(a.bottom-base.top).toFixed(1));
  ln.setAttribute("x2",(b.left+b.width/2-base.left).toFixed(1));ln.setAttribute("y2",(b.top-base.top).toFixed(1));
  ln.setAttribute("data-link",c._links[k]+"-"+c._links[k+1]);svg.appendChild(ln);}
 c.insertBefore(svg,c.firstChild);
 c.addEventListener("mouseover",ev=>{const w=ev.target.closest(".w");if(!w)return;const i=+w.dataset.i,side=w.dataset.side;
  for(let k=0;k<c._links.length;k+=2){if(side==="s"&&c._links[k]===i)c._tgt[c._links[k+1]].classList.add("lit");
   if(side==="t"&&c._links[k+1]===i)c._src[c._links[k]].classList.add("lit");}});
 c.addEventListener("mouseout",()=>c.querySelectorAll(".lit").forEach(x=>x.classList.remove("lit")));}
function writeHash(){const h=[];if(state.errors.size)h.push("error="+[...state.errors].join(","));
 if(state.classes.size)h.push("class="+[...state.classes].join(","));if(state.q)h.push("q="+encodeURIComponent(state.q));
 if(state.page>1)h.push("page="+state.page);if(state.size!==50)h.push("size="+state.size);
 const s=h.join("&");if(("#"+s)!==location.hash&&!(s===""&&location.hash===""))history.replaceState(null,"",s?"#"+s:location.pathname+location.search);}
function draw(){const t0=performance.now();const hits=[];S.forEach((s,i)=>{if(matches(s))hits.push(i);});
 const pages=Math.max(1,Math.ceil(hits.length/state.size));state.page=Math.min(Math.max(1,state.page),pages);
 const list=document.getElementById("list");list.textContent="";const cards=[];
 hits.slice((state.page-1)*state.size,state.page*state.size).forEach(i=>{const c=card(S[i],i);cards.push(c);list.appendChild(c);});
 cards.forEach(drawLinks);
 document.getElementById("page").textContent=state.page+" / "+pages;
 document.getElementById("stats").textContent=hits.length+" of "+S.length+" sentences";
 document.getElementById("prev").disabled=state.page<=1;document.getElementById("next").disabled=state.page>=pages;
 KINDS.forEach(k=>{const b=document.getElementById("err-"+k);if(b)b.checked=state.errors.has(k);});
 D.classes.forEach(c=>{document.getElementById("cls-"+c).checked=state.classes.has(c);});
 document.getElementById("q").value=state.q;document.getElementById("size").value=String(state.size);
 writeHash();document.body.dataset.shown=String(cards.length);document.body.dataset.matching=String(hits.length);
 document.body.dataset.renderMs=(performance.now()-t0).toFixed(1);}
function readHash(){const p=new URLSearchParams(location.hash.slice(1));
 state.errors=new Set((p.get("error")||"").split(",").filter(k=>KINDS.includes(k)));
 state.classes=new Set((p.get("class")||"").split(",").filter(c=>D.classes.includes(c)));
 state.q=p.get("q")||"";state.page=parseInt(p.get("page")||"1",10)||1;state.size=parseInt(p.get("size")||"50",10)||50;return p.get("click");}
document.getElementById("prev").onclick=()=>{state.page--;draw();};
document.getElementById("next").onclick=()=>{state.page++;draw();};
document.getElementById("size").onchange=ev=>{state.size=+ev.target.value;state.page=1;draw();};
document.getElementById("q").oninput=ev=>{state.q=ev.target.value.trim();state.page=1;draw();};
window.addEventListener("hashchange",()=>{readHash();draw();});
const click=readHash();draw();
if(click){const b=document.getElementById(click);if(b){b.click();document.body.dataset.clicked=click;}}
</script></body></html>
"""
