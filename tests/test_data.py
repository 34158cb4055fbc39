"""The core data model: Pharaoh link lines."""

from __future__ import annotations

import numpy as np
import pytest

from xlner.data import format_pharaoh, parse_pharaoh


def test_parse_pharaoh_sorts_and_deduplicates_only_when_needed() -> None:
    links = parse_pharaoh("3-1 0-0 0-0 1-2")
    assert links.dtype == np.int32 and links.tolist() == [[0, 0], [1, 2], [3, 1]]
    assert parse_pharaoh(" 0-0\t1-1 ").tolist() == [[0, 0], [1, 1]]
    assert parse_pharaoh("").shape == (0, 2) and parse_pharaoh("  ").shape == (0, 2)
    line = "0-0 0-3 2-1 123456789-2"
    assert format_pharaoh(parse_pharaoh(line)) == line


@pytest.mark.parametrize("bad", ["0-", "a-b", "1-2-3", "-1-2", "\uff11-2", "0-0 x",
                                 "1234567890-1", "0 - 1", "0-1,1-2"])
def test_parse_pharaoh_rejects_malformed_lines(bad: str) -> None:
    with pytest.raises(ValueError, match="not a Pharaoh link line"):
        parse_pharaoh(bad)
