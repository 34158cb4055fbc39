"""Windows over long subword sequences and the piece plan (pure numpy)."""

from __future__ import annotations

import numpy as np
import pytest

from xlner.errors import ConfigError, InputError
from xlner.subwords import Encoded, Specials, home_window, piece_inputs, plan_pieces, windows


def encoded(n: int) -> Encoded:
    return Encoded(np.arange(10, 10 + n, dtype=np.int64), np.arange(n, dtype=np.int64),
                   np.arange(n, dtype=np.int64), n)


@pytest.mark.parametrize("length,capacity", [(5, 10), (10, 10), (11, 10), (37, 8), (100, 7)])
def test_windows_cover_everything_within_capacity(length: int, capacity: int) -> None:
    spans = windows(length, capacity)
    assert spans[0][0] == 0 and spans[-1][1] == length
    assert all(0 < b - a <= capacity for a, b in spans)
    covered = np.zeros(length, dtype=bool)
    for a, b in spans:
        covered[a:b] = True
    assert covered.all()
    if length <= capacity:
        assert spans == [(0, length)]
    else:
        assert all(b - a == capacity for a, b in spans)  # full windows, the last end-aligned


def test_home_window_is_the_most_central() -> None:
    spans = [(0, 8), (4, 12), (8, 16)]
    home = home_window(16, spans)
    for p, w in enumerate(home.tolist()):
        a, b = spans[w]
        assert a <= p < b
        margin = min(p - a, b - 1 - p)
        assert all(margin >= min(p - x, y - 1 - p) for x, y in spans if x <= p < y)
    assert home[:3].tolist() == [0, 0, 0] and home[-3:].tolist() == [2, 2, 2]


def test_plan_pieces_and_inputs() -> None:
    specials = Specials((1,), (2,), 0)
    encs = [encoded(3), encoded(0), encoded(9)]
    pieces, homes = plan_pieces(encs, limit=6, specials=specials)  # capacity 4
    assert [(p.sentence, p.start, p.end) for p in pieces][:1] == [(0, 0, 3)]
    assert {p.sentence for p in pieces} == {0, 2}
    assert homes[1].shape == (0,)
    for k in range(len(encs)):
        for pos, piece in enumerate(homes[k].tolist()):
            assert pieces[piece].sentence == k and pieces[piece].start <= pos < pieces[piece].end
    ids, mask = piece_inputs(pieces[:2], encs, specials)
    assert ids[0].tolist() == [1, 10, 11, 12, 2, 0] and mask[0].tolist() == [1, 1, 1, 1, 1, 0]
    with pytest.raises(InputError, match="sentence 2"):
        plan_pieces(encs, limit=6, specials=specials, long_inputs="error")
    with pytest.raises(ConfigError):
        plan_pieces(encs, limit=6, specials=specials, long_inputs="truncate")


def test_stride_never_leaves_gaps() -> None:
    spans = windows(50, 8, stride=20)  # a stride beyond the capacity is clamped
    covered = np.zeros(50, dtype=bool)
    for a, b in spans:
        covered[a:b] = True
    assert covered.all()
    assert windows(20, 8, stride=2)[:3] == [(0, 8), (2, 10), (4, 12)]
