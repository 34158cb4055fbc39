"""The one grammar of component and method specs, and its one error shape.

::

    spec   := name [ "(" params ")" ] [ "@" symmetrisation ]
    params := [ key "=" value { "," key "=" value } ]
    value  := "[" text "]"            (verbatim, may hold commas: scores=[align=1,ortho=0.5])
            | text                    (commas inside ( ) or [ ] do not split; typed: 3, 0.5,
                                       true/false, none, else the string)

``@symmetrisation`` is accepted where the caller allows it (projection methods). An error names
what was parsed, the position (0-based character offset) and what was expected, and lists the
valid names or keys when the caller gives them::

    invalid method spec 'ilp(k=)' at position 6: empty value for 'k'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from xlner.errors import ConfigError

_NAME = re.compile(r"[\w.+-]+")
_KEY = re.compile(r"^[\w.-]+$")
_SYMMETRISATION = re.compile(r"[\w-]+")


class Spec(NamedTuple):
    """A parsed spec: the name, its parameters and the symmetrisation after ``@`` (if any)."""

    name: str
    params: dict[str, Any]
    symmetrize: str | None = None


def spec_error(text: str, position: int, problem: str, *, what: str = "component",
               valid: Iterable[str] | None = None, valid_kind: str = "names") -> ConfigError:
    """The one error shape: what, where, why and (when known) the valid names or keys."""
    message = f"invalid {what} spec {text!r} at position {position}: {problem}"
    if valid is not None:
        message += f"; valid {valid_kind}: {', '.join(sorted(valid)) or 'none'}"
    return ConfigError(message)


def parse_value(text: str) -> Any:
    """``"3"`` → 3, ``"0.5"`` → 0.5, ``"true"`` → True, ``"none"`` → None, else the string."""
    low = text.strip().lower()
    if low in {"true", "yes"}:
        return True
    if low in {"false", "no"}:
        return False
    if low in {"none", "null"}:
        return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text.strip()


def split_top(text: str, sep: str = ",") -> list[str]:
    """Split ``text`` at ``sep`` outside parentheses and square brackets."""
    return [part for part, _ in _split_positions(text, sep)]


def _split_positions(text: str, sep: str = ",") -> list[tuple[str, int]]:
    """:func:`split_top` with the offset of each part in ``text``."""
    out: list[tuple[str, int]] = []
    current: list[str] = []
    start = depth = 0
    for k, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == sep and depth == 0:
            out.append(("".join(current), start))
            current = []
            start = k + 1
        else:
            current.append(ch)
    out.append(("".join(current), start))
    return out


def parse_params(text: str, *, offset: int = 0, spec: str | None = None,
                 what: str = "component") -> dict[str, Any]:
    """``"a=1,b=x"`` → ``{"a": 1, "b": "x"}``. Commas inside parentheses or square brackets do
    not split, and a value in square brackets is taken verbatim: ``scores=[align=1,ortho=0.5]``
    gives ``{"scores": "align=1,ortho=0.5"}`` (a value that itself holds commas)."""
    whole = text if spec is None else spec
    params: dict[str, Any] = {}
    for item, start in _split_positions(text):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not _KEY.match(key.strip()):
            raise spec_error(whole, offset + start + len(item) - len(item.lstrip()),
                             f"parameter {item.strip()!r} is not of the form key=value",
                             what=what)
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            params[key.strip()] = value[1:-1].strip()
        else:
            params[key.strip()] = parse_value(value)
    return params


def parse(spec: str | Mapping[str, Any], *, what: str = "component",
          symmetrize: bool = False, names: Iterable[str] | None = None) -> Spec:
    """Parse ``name(key=value,...)`` (and ``@symmetrisation`` when ``symmetrize``), or take a
    mapping ``{"name": ..., key: value}``. ``names``, when given, are the valid names: another
    name is an error that lists them."""
    if isinstance(spec, Mapping):
        given = dict(spec)
        try:
            name = str(given.pop("name"))
        except KeyError:
            raise ConfigError(f"{what} spec {spec!r} has no 'name'") from None
        return Spec(name, given)
    text = spec
    k = len(text) - len(text.lstrip())
    m = _NAME.match(text, k)
    if not m:
        raise spec_error(text, k, "expected a name", what=what, valid=names)
    name, k = m.group(0), m.end()
    if names is not None and name not in set(names):
        raise spec_error(text, m.start(), f"unknown {what} {name!r}", what=what, valid=names)
    k = _skip_space(text, k)
    params: dict[str, Any] = {}
    if k < len(text) and text[k] == "(":
        close = _closing(text, k, what)
        params = parse_params(text[k + 1:close], offset=k + 1, spec=text, what=what)
        k = _skip_space(text, close + 1)
    sym = None
    if symmetrize and k < len(text) and text[k] == "@":
        k = _skip_space(text, k + 1)
        s = _SYMMETRISATION.match(text, k)
        if not s:
            raise spec_error(text, k, "expected a symmetrisation after '@'", what=what)
        sym, k = s.group(0), _skip_space(text, s.end())
    if k < len(text):
        expected = "'(' , '@' or the end" if symmetrize else "'(' or the end"
        raise spec_error(text, k, f"unexpected {text[k:]!r}; expected {expected}", what=what)
    return Spec(name, params, sym)


def parse_spec(spec: str | Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``name(key=value,...)`` or a mapping → ``(name, params)``."""
    parsed = parse(spec)
    return parsed.name, parsed.params


def check_keys(name: str, given: Iterable[str], valid: Iterable[str], *,
               what: str = "component") -> None:
    """Fail on a parameter ``name`` does not take, listing the keys it does."""
    valid = sorted(valid)
    unknown = [key for key in given if key not in valid]
    if unknown:
        raise ConfigError(f"{what} {name!r}: unknown key {unknown[0]!r}; valid keys: "
                          f"{', '.join(valid) or 'none'}")


def _skip_space(text: str, k: int) -> int:
    while k < len(text) and text[k].isspace():
        k += 1
    return k


def _closing(text: str, start: int, what: str) -> int:
    """The offset of the ``)`` matching the ``(`` at ``start``."""
    depth = 0
    for k in range(start, len(text)):
        if text[k] in "([":
            depth += 1
        elif text[k] in ")]":
            depth -= 1
            if depth == 0:
                if text[k] != ")":
                    break
                return k
    raise spec_error(text, start, "'(' is never closed", what=what)
