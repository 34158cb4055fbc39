"""Exact dynamic programme over target positions (the exact solver's main path).

Chosen spans are disjoint, so an optimal choice can be built left to right. The state at a
position records, for each entity that has already been able to pick something and can still
pick something later (its *frontier*), how many candidates it has picked (``0..n``, capped at
``n`` under ``>=``). An entity leaves the state after the last start of its candidates; under
``=`` and ``>=`` its count is checked then. Sentences whose entities occupy separate regions
keep the state tiny; the number of states is bounded before solving and problems above the
bound go to the MILP backend.
"""

from __future__ import annotations

import math

from xlner.project.solvers.base import INFEASIBLE, OPTIMAL, Solution

Entry = tuple[int, int, int, float]
"""``(entity, start, end, score)``."""


def frontier_bound(ent: list[int], start: list[int], end: list[int], n_entities: int,
                   n: int) -> float:
    """An upper bound on the number of DP states at any position."""
    first_end = [math.inf] * n_entities
    last_start = [-1] * n_entities
    for p, s, e in zip(ent, start, end, strict=True):
        if e < first_end[p]:
            first_end[p] = e
        if s > last_start[p]:
            last_start[p] = s
    events: list[tuple[float, int]] = []
    for p in range(n_entities):
        if last_start[p] >= 0 and first_end[p] <= last_start[p]:
            events.append((first_end[p], 1))
            events.append((last_start[p] + 1, -1))
    events.sort()
    live = best = 0
    for _, delta in events:
        live += delta
        best = max(best, live)
    return float((n + 1) ** best)


def solve_dp(ent: list[int], cand: list[int], start: list[int], end: list[int],
             score: list[float], n_entities: int, constraint: str, n: int,
             solver: str = "dp") -> Solution:
    """Optimal solution of one sentence (entries need not be ordered)."""
    if constraint != "<=":
        present = set(ent)
        missing = [p for p in range(n_entities) if p not in present]
        if missing:
            return Solution([], 0.0, INFEASIBLE, solver,
                            {"reason": f"entities {missing} have no allowed candidate"})
    if not ent:
        return Solution([], 0.0, OPTIMAL, solver)
    points = sorted(set(start) | set(end))
    index = {x: k for k, x in enumerate(points)}
    m = len(points)
    base = n + 1
    weight = [base ** p for p in range(n_entities)]
    # Entity p leaves the state at its forget point: one past its last start.
    forget_at: dict[int, list[int]] = {}
    last_start = [-1] * n_entities
    for p, s in zip(ent, start, strict=True):
        si = index[s]
        if si > last_start[p]:
            last_start[p] = si
    for p in range(n_entities):
        if last_start[p] >= 0:
            forget_at.setdefault(last_start[p] + 1, []).append(p)
    by_start: dict[int, list[int]] = {}
    for k, s in enumerate(start):
        by_start.setdefault(index[s], []).append(k)
    at_most = constraint != ">="

    def forget(state: int, lo: int, hi: int) -> int:
        """Drop entities whose forget point is in ``(lo, hi]``; -1 when a check fails."""
        for q in range(lo + 1, hi + 1):
            for p in forget_at.get(q, ()):
                d = (state // weight[p]) % base
                if constraint != "<=" and d < n:
                    return -1
                state -= d * weight[p]
        return state

    # table[q]: state -> (value, previous position, previous state, entry or -1)
    table: list[dict[int, tuple[float, int, int, int]]] = [{} for _ in range(m)]
    table[0][0] = (0.0, -1, -1, -1)
    for q in range(m):
        states = table[q]
        if not states:
            continue
        if q + 1 < m:
            nxt = table[q + 1]
            for state, (value, *_rest) in states.items():
                new = forget(state, q, q + 1)
                if new >= 0:
                    old = nxt.get(new)
                    if old is None or value > old[0]:
                        nxt[new] = (value, q, state, -1)
        for k in by_start.get(q, ()):
            p = ent[k]
            w = weight[p]
            e = index[end[k]]
            target = table[e]
            c = score[k]
            for state, (value, *_rest) in states.items():
                d = (state // w) % base
                if d >= n:
                    if at_most:
                        continue
                    new = state
                else:
                    new = state + w
                new = forget(new, q, e)
                if new < 0:
                    continue
                v = value + c
                old = target.get(new)
                if old is None or v > old[0]:
                    target[new] = (v, q, state, k)
    final = table[m - 1].get(0)
    if final is None:
        return Solution([], 0.0, INFEASIBLE, solver,
                        {"reason": f"no choice gives every entity '{constraint} {n}' "
                                   "disjoint candidates"})
    pairs = []
    q, state = m - 1, 0
    while q > 0:
        _value, pq, ps, k = table[q][state]
        if k >= 0:
            pairs.append((ent[k], cand[k]))
        q, state = pq, ps
    pairs.sort()
    return Solution(pairs, final[0], OPTIMAL, solver)
