"""The one grammar of component, method and list specs, and its one error shape.

::

    spec   := name [ ":" arg ] [ "(" params ")" ] [ "@" symmetrisation ]
    params := [ key "=" value { "," key "=" value } ]
    value  := "[" text "]"            (verbatim, may hold commas: scores=[align=1,ortho=0.5])
            | text                    (commas inside ( ) or [ ] do not split; typed: 3, 0.5,
                                       true/false, none, else the string)
    list   := item { "," item }       (commas inside ( ) or [ ] do not split; empty items skip)
    union  := spec { "+" spec }       (candidate extractors: ngrams:10+aligned)
    term   := spec [ ( "=" | "~" ) weight ] [ "@" threshold ]   (score terms)
    pairs  := key "=" value { "," key "=" value }               (label maps: MISC=O,PERSON=PER)

``@symmetrisation`` is accepted where the caller allows it (projection methods), ``:arg`` where
the caller names the parameter it stands for (``ngrams:10`` is ``ngrams(n=10)``). An error names
what was parsed, the position (0-based character offset in the whole string) and what was
expected, and lists the valid names or keys when the caller gives them::

    invalid method spec 'ilp(k=)' at position 6: empty value for 'k'
    invalid score spec 'align=1,ortx=0.5' at position 8: unknown scorer 'ortx'; valid names: ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from xlner.errors import ConfigError

_NAME = re.compile(r"[\w.+-]+")
_KEY = re.compile(r"^[\w.-]+$")
_SYMMETRISATION = re.compile(r"[\w-]+")
_ARG = re.compile(r"[\w.-]+")
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


class Spec(NamedTuple):
    """A parsed spec: the name, its parameters and the symmetrisation after ``@`` (if any)."""

    name: str
    params: dict[str, Any]
    symmetrize: str | None = None


class TermSpec(NamedTuple):
    """A parsed score term: the scorer's spec, its weight, threshold and whether it is a bonus
    (``~``) term."""

    spec: Spec
    weight: float
    threshold: float
    bonus: bool


class Part(NamedTuple):
    """One item of a list spec and its offset in the whole string."""

    text: str
    position: int


class _Where(NamedTuple):
    """The whole string an error names and the offset of the text being parsed in it."""

    whole: str
    offset: int


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


def parts(text: str, sep: str = ",", *, offset: int = 0) -> list[Part]:
    """The items of a list spec: ``text`` split at ``sep`` outside parentheses and square
    brackets, each stripped and with its offset (plus ``offset``); empty items are skipped."""
    out = []
    for item, start in _split_positions(text, sep):
        if item.strip():
            out.append(Part(item.strip(), offset + start + len(item) - len(item.lstrip())))
    return out


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
                 what: str = "component", typed: bool = True,
                 form: str = "key=value") -> dict[str, Any]:
    """``"a=1,b=x"`` → ``{"a": 1, "b": "x"}``. Commas inside parentheses or square brackets do
    not split, and a value in square brackets is taken verbatim: ``scores=[align=1,ortho=0.5]``
    gives ``{"scores": "align=1,ortho=0.5"}`` (a value that itself holds commas). ``typed=False``
    keeps every value a string (label maps); ``form`` names the item shape in errors."""
    whole = text if spec is None else spec
    params: dict[str, Any] = {}
    for item, start in parts(text, offset=offset):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not _KEY.match(key.strip()):
            raise spec_error(whole, start, f"parameter {item!r} is not of the form {form}",
                             what=what)
        value = value.strip()
        if not value:
            raise spec_error(whole, start + len(item), f"empty value for {key.strip()!r}",
                             what=what)
        if value.startswith("[") and value.endswith("]"):
            params[key.strip()] = value[1:-1].strip()
        else:
            params[key.strip()] = parse_value(value) if typed else value
    return params


def parse(spec: str | Mapping[str, Any], *, what: str = "component",
          symmetrize: bool = False, names: Iterable[str] | None = None,
          shorthand: Mapping[str, str] | None = None, within: Part | None = None) -> Spec:
    """Parse ``name(key=value,...)`` (and ``@symmetrisation`` when ``symmetrize``), or take a
    mapping ``{"name": ..., key: value}``. ``names``, when given, are the valid names: another
    name is an error that lists them. ``shorthand`` maps a name to the parameter its ``:arg``
    stands for (``{"ngrams": "n"}``: ``ngrams:10``). ``within``: ``spec`` is an item of a
    longer string (``within.text``, at ``within.position``), which errors then name."""
    if isinstance(spec, Mapping):
        given = dict(spec)
        try:
            name = str(given.pop("name"))
        except KeyError:
            raise ConfigError(f"{what} spec {spec!r} has no 'name'") from None
        return Spec(name, given)
    where = _Where(spec, 0) if within is None else _Where(within.text, within.position)
    name, params, k = _head(spec, 0, where, what, names, shorthand)
    sym = None
    if symmetrize and k < len(spec) and spec[k] == "@":
        k = _skip_space(spec, k + 1)
        s = _SYMMETRISATION.match(spec, k)
        if not s:
            raise _error(where, k, "expected a symmetrisation after '@'", what)
        sym, k = s.group(0), _skip_space(spec, s.end())
    if k < len(spec):
        expected = "'(' , '@' or the end" if symmetrize else "'(' or the end"
        raise _error(where, k, f"unexpected {spec[k:]!r}; expected {expected}", what)
    return Spec(name, params, sym)


def parse_term(text: str, *, what: str = "score", names: Iterable[str] | None = None,
               within: Part | None = None) -> TermSpec:
    """``"ortho(n=3)=0.5@0.6"`` → the scorer's spec, weight 0.5, threshold 0.6, not a bonus;
    ``"shape~0.2"`` is a bonus term; no weight means 1."""
    where = _Where(text, 0) if within is None else _Where(within.text, within.position)
    name, params, k = _head(text, 0, where, what, names, None, kind="scorer")
    weight, threshold, bonus = 1.0, 0.0, False
    if k < len(text) and text[k] in "=~":
        bonus = text[k] == "~"
        weight, k = _number(text, _skip_space(text, k + 1), where, what, "a weight")
        if weight < 0:
            raise _error(where, k, f"weights must be >= 0, not {weight:g}", what)
    if k < len(text) and text[k] == "@":
        threshold, k = _number(text, _skip_space(text, k + 1), where, what, "a threshold")
    if k < len(text):
        raise _error(where, k, f"unexpected {text[k:]!r}; expected '=weight', '~weight', "
                     "'@threshold' or the end of the term", what)
    return TermSpec(Spec(name, params), weight, threshold, bonus)


def parse_spec(spec: str | Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``name(key=value,...)`` or a mapping → ``(name, params)``."""
    parsed = parse(spec)
    return parsed.name, parsed.params


def check_keys(name: str, given: Iterable[str], valid: Iterable[str], *,
               what: str = "component", spec: object = None) -> None:
    """Fail on a parameter ``name`` does not take, listing the keys it does; when ``spec`` is
    the spec string the key came from, the error names its position there."""
    valid = sorted(valid)
    unknown = [key for key in given if key not in valid]
    if not unknown:
        return
    problem = f"{what} {name!r}: unknown key {unknown[0]!r}"
    found = re.search(rf"[(,]\s*({re.escape(unknown[0])})\s*=", spec) if isinstance(
        spec, str) else None
    if found is None:
        raise ConfigError(f"{problem}; valid keys: {', '.join(valid) or 'none'}")
    raise spec_error(spec, found.start(1), problem, what=what, valid=valid,  # type: ignore[arg-type]
                     valid_kind="keys")


def _error(where: _Where, k: int, problem: str, what: str, valid: Iterable[str] | None = None,
           valid_kind: str = "names") -> ConfigError:
    return spec_error(where.whole, where.offset + k, problem, what=what, valid=valid,
                      valid_kind=valid_kind)


def _head(text: str, k: int, where: _Where, what: str, names: Iterable[str] | None,
          shorthand: Mapping[str, str] | None,
          kind: str | None = None) -> tuple[str, dict[str, Any], int]:
    """``name [":" arg] ["(" params ")"]`` from ``k``: the name, the parameters and the offset
    after them."""
    k = _skip_space(text, k)
    m = _NAME.match(text, k)
    if not m:
        raise _error(where, k, "expected a name", what, names)
    name, k = m.group(0), m.end()
    if names is not None and name not in set(names):
        raise _error(where, m.start(), f"unknown {kind or what} {name!r}", what, names)
    params: dict[str, Any] = {}
    k = _skip_space(text, k)
    if shorthand is not None and k < len(text) and text[k] == ":":
        if name not in shorthand:
            raise _error(where, k, f"{name!r} takes no ':' argument", what,
                         [f"{n}:N" for n in shorthand], "names with ':'")
        a = _ARG.match(text, _skip_space(text, k + 1))
        if not a:
            raise _error(where, _skip_space(text, k + 1), f"expected a value after '{name}:'",
                         what)
        params[shorthand[name]], k = parse_value(a.group(0)), a.end()
    k = _skip_space(text, k)
    if k < len(text) and text[k] == "(":
        close = _closing(text, k, where, what)
        params.update(parse_params(text[k + 1:close], offset=where.offset + k + 1,
                                   spec=where.whole, what=what))
        k = _skip_space(text, close + 1)
    return name, params, k


def _number(text: str, k: int, where: _Where, what: str, expected: str) -> tuple[float, int]:
    m = _NUMBER.match(text, k)
    if not m:
        raise _error(where, k, f"expected {expected}", what)
    return float(m.group(0)), _skip_space(text, m.end())


def _skip_space(text: str, k: int) -> int:
    while k < len(text) and text[k].isspace():
        k += 1
    return k


def _closing(text: str, start: int, where: _Where, what: str) -> int:
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
    raise _error(where, start, "'(' is never closed", what)
