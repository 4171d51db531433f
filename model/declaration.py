"""How a model's parameters are declared: `Parameter` (one keyword) and `Declaration` (all of a model's).

A declaration is the one place a keyword's type, default, range or choices, group, unit and help live;
the models' own declarations are in model/parameters.py. From it come the constructors' checks, the
command line's `--set` and `--vary` (`parse`), the sweeps' checks, the app's controls (ui/params.py) and
a compact text of a whole parameter set (`encode` / `decode`, for links and file names).

Every refusal is a `ParameterError` (a ValueError) naming the parameter, what it got and what it accepts.
"""

from __future__ import annotations

import ast
import base64
import difflib
import math
import reprlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from numbers import Integral, Real
from typing import Any

import numpy as np

KINDS = ("int", "float", "bool", "choice", "sizes", "tuple", "series", "seed", "object")
ITEM, PAIR, LIST = "~", "-", "_"  # encode's separators: unreserved in URLs (RFC 3986), safe in file names
_TEXT = "."  # an encoded free-text value (a file path) starts with this, then base64url
_short = reprlib.Repr(maxstring=60, maxother=60, maxlist=6, maxtuple=6, maxdict=4)


class ParameterError(ValueError):
    """A value a parameter does not accept; `name` is the parameter."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def _whole(v) -> bool:
    return isinstance(v, Integral) and not isinstance(v, (bool, np.bool_))


def _real(v) -> bool:
    return isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) and math.isfinite(v)


def _sequence(v) -> bool:
    return isinstance(v, (Sequence, np.ndarray)) and not isinstance(v, (str, bytes))


@dataclass(frozen=True)
class Parameter:
    """One keyword of a model: its kind, default, what it accepts, and how people see it."""

    name: str
    kind: str  # one of KINDS
    default: Any
    group: str
    help: str
    unit: str = ""
    low: float | None = None  # bounds of an int, float, sizes or series value (and of every tuple item)
    high: float | None = None
    open_low: bool = False  # True: the value must be > low, not >= low
    open_high: bool = False  # True: the value must be < high, not <= high
    choices: tuple = ()  # a choice's names
    optional: bool = False  # None is accepted (the model then chooses, or the feature is off)
    none: str = "auto"  # what None means, as the app shows it
    items: tuple[str, ...] = ()  # a tuple's item kinds ("int" or "float"), in order
    types: tuple[type, ...] = ()  # an object's accepted classes; for a choice: objects taken as they are
    also: Callable[[Any], bool] | None = None  # another accepted value (a path ending in .csv)
    where: Callable[[Any], bool] | None = None  # a further condition on a well-typed value
    accepts_text: str = ""  # what `also`/`where` add to the description
    app_max: float | None = None  # the largest value the app offers (it must stay responsive)
    suggest: tuple = ()  # values the app offers in a list (a log scale of learning rates)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"parameter {self.name}: kind must be one of {KINDS}, not {self.kind!r}")

    # --- what it accepts -----------------------------------------------------------------------------
    def _range(self) -> str:
        if self.low is not None and self.high is not None:
            return f" in {'(' if self.open_low else '['}{self.low:g}, {self.high:g}{')' if self.open_high else ']'}"
        if self.low is not None:
            return f" {'>' if self.open_low else '>='} {self.low:g}"
        if self.high is not None:
            return f" {'<' if self.open_high else '<='} {self.high:g}"
        return ""

    @property
    def accepts(self) -> str:
        """What this parameter accepts, in words."""
        if self.kind == "int":
            text = f"a whole number{self._range()}"
        elif self.kind == "float":
            text = f"a finite number{self._range()}"
        elif self.kind == "bool":
            text = "True or False"
        elif self.kind == "choice":
            text = ", ".join(self.choices)
        elif self.kind == "sizes":
            text = f"a whole number{self._range()} or a tuple of them"
        elif self.kind == "tuple":
            text = f"a tuple of {len(self.items)} numbers ({', '.join(self.items)}){self._range()}"
        elif self.kind == "series":
            text = "a non-empty sequence of finite numbers"
        elif self.kind == "seed":
            text = "a whole number >= 0 or a numpy Generator"
        else:
            text = "a " + " or ".join(f"{t.__module__.split('.')[0]}.{t.__name__}" for t in self.types)
        if self.accepts_text:
            text += ", " + self.accepts_text
        return text + (", or None" if self.optional or self.kind == "seed" else "")

    def refuse(self, value, reason: str = "") -> ParameterError:
        """The error for `value`: the parameter, what it got and what it accepts."""
        got = _short.repr(value) if not isinstance(value, np.ndarray) else f"an array of shape {value.shape}"
        if self.kind == "choice":
            return ParameterError(self.name, f"unknown {self.name} {got}; valid ones are: {self.accepts}{reason}")
        return ParameterError(self.name, f"{self.name} must be {self.accepts}, got {got}{reason}")

    def _in_range(self, v) -> bool:
        if self.low is not None and (v <= self.low if self.open_low else v < self.low):
            return False
        return self.high is None or (v < self.high if self.open_high else v <= self.high)

    def _fits(self, value) -> bool:
        kind = self.kind
        if kind == "int":
            return _whole(value) and self._in_range(value)
        if kind == "float":
            return _real(value) and self._in_range(value)
        if kind == "bool":
            return isinstance(value, (bool, np.bool_))
        if kind == "choice":
            return (isinstance(value, str) and value in self.choices) or isinstance(value, self.types)
        if kind == "sizes":
            sizes = (value,) if _whole(value) else tuple(value) if _sequence(value) else ()
            return len(sizes) > 0 and all(_whole(s) and self._in_range(s) for s in sizes)
        if kind == "tuple":
            return (
                _sequence(value)
                and len(value) == len(self.items)
                and all(
                    (_whole(v) if k == "int" else _real(v)) and self._in_range(v) for k, v in zip(self.items, value)
                )
            )
        if kind == "series":
            return _sequence(value) and len(value) > 0 and all(_real(v) and self._in_range(v) for v in value)
        if kind == "seed":
            return (_whole(value) and value >= 0) or isinstance(
                value, (np.random.Generator, np.random.BitGenerator, np.random.SeedSequence)
            )
        return isinstance(value, self.types)

    def check(self, value):
        """`value` if this parameter accepts it; a ParameterError saying why not otherwise."""
        if value is None and (self.optional or self.kind == "seed"):
            return value
        try:
            good = self._fits(value) or (self.also is not None and self.also(value))
        except Exception:  # noqa: BLE001 - a value so odd that comparing it fails is refused like any other
            good = False
        if good and self.where is not None and not isinstance(value, self.types):
            good = bool(self.where(value))
        if not good:
            raise self.refuse(value)
        return value

    # --- text: --set, --vary, the app's fields, encode/decode ------------------------------------------
    def parse(self, text: str):
        """A value from text as `--set` writes it (16,16 → (16, 16); none, true, false; names unquoted), checked."""
        if not isinstance(text, str):
            raise TypeError(f"{self.name}: parse takes text, got {type(text).__name__}")
        raw = text.strip()
        lowered = raw.lower()
        if lowered in ("none", "null") or (not raw and self.optional) or (self.optional and lowered == self.none):
            value = None
        elif lowered in ("true", "false", "yes", "no", "on", "off") and self.kind in ("bool", "float", "int"):
            value = lowered in ("true", "yes", "on")
        elif self.kind == "choice" and (raw in self.choices or self.also is not None and self.also(raw)):
            value = raw
        else:
            try:
                value = ast.literal_eval(raw)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                value = raw
        return self.check(value)

    def encode(self, value) -> str:
        """`value` as compact URL-safe text (see Declaration.encode)."""
        value = self.check(value)
        if value is None:
            return "none"
        kind = self.kind
        if kind == "bool":
            return "true" if value else "false"
        if kind == "choice":
            if not isinstance(value, str):
                raise ParameterError(self.name, f"{self.name}: a {type(value).__name__} cannot be written as text")
            if value in self.choices:
                return value
            return _TEXT + base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")
        if kind in ("int", "float", "seed") and not isinstance(value, np.random.Generator | np.random.BitGenerator):
            if isinstance(value, np.random.SeedSequence):
                raise ParameterError(self.name, f"{self.name}: a SeedSequence cannot be written as text")
            return _number(value)
        if kind == "sizes":
            return (
                _number(value) if _whole(value) else LIST.join(map(_number, value)) + (LIST if len(value) == 1 else "")
            )
        if kind in ("tuple", "series"):
            return LIST.join(map(_number, value)) + (LIST if len(value) == 1 else "")
        raise ParameterError(self.name, f"{self.name}: a {type(value).__name__} cannot be written as text")

    def decode(self, code: str):
        """The value that `encode` wrote as `code`, checked."""
        try:
            value = self._decode(code)
        except (ValueError, TypeError, UnicodeDecodeError, base64.binascii.Error):
            raise ParameterError(self.name, f"{self.name}: cannot read {code!r} as {self.accepts}") from None
        return self.check(value)

    def _decode(self, code: str):
        if code == "none":
            return None
        kind = self.kind
        if kind == "bool":
            return {"true": True, "false": False}[code]
        if kind == "choice":
            if code.startswith(_TEXT):
                text = code[len(_TEXT) :]
                return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            return code
        if kind in ("int", "seed"):
            return int(code)
        if kind == "float":
            return float(code)
        parts = code.split(LIST)
        if parts[-1] == "":
            parts = parts[:-1]
        if kind == "sizes":
            return int(code) if LIST not in code else tuple(int(p) for p in parts)
        if kind == "tuple":
            return tuple(int(p) if k == "int" else float(p) for k, p in zip(self.items, parts, strict=True))
        return tuple(float(p) for p in parts)  # series

    def text(self, value) -> str:
        """`value` as a person reads it (None as `none`, tuples as 16,16)."""
        if value is None:
            return self.none
        if _sequence(value):
            return ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
        return f"{value:g}" if isinstance(value, float) else str(value)


def _number(v) -> str:
    if _whole(v):
        return str(int(v))
    return repr(float(v)).replace("e+", "e")


@dataclass(frozen=True)
class Rule:
    """A condition between parameters: `holds(values)` must be true; `message(values)` says what to change."""

    names: tuple[str, ...]
    holds: Callable[[Mapping], bool]
    message: Callable[[Mapping], str]


@dataclass(frozen=True)
class Declaration:
    """All parameters of one model, in order, with their groups and the rules between them."""

    model: str
    parameters: tuple[Parameter, ...]
    group_order: tuple[str, ...]
    rules: tuple[Rule, ...] = ()
    _index: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        index = {p.name: p for p in self.parameters}
        if len(index) != len(self.parameters):
            raise ValueError(f"{self.model}: a parameter is declared twice")
        unknown = {p.group for p in self.parameters} - set(self.group_order)
        if unknown:
            raise ValueError(f"{self.model}: groups {sorted(unknown)} are not in group_order")
        object.__setattr__(self, "_index", index)

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._index[name]
        except (KeyError, TypeError):
            raise self.unknown(name) from None

    def __iter__(self):
        return iter(self.parameters)

    def __len__(self) -> int:
        return len(self.parameters)

    def __contains__(self, name) -> bool:
        return isinstance(name, str) and name in self._index

    def __repr__(self) -> str:
        return f"Declaration({self.model}: {len(self)} parameters in {', '.join(self.group_order)})"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._index)

    def groups(self) -> dict[str, tuple[Parameter, ...]]:
        """{group: its parameters}, groups in their order (Data, Network, ...)."""
        return {g: tuple(p for p in self.parameters if p.group == g) for g in self.group_order}

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters}

    def unknown(self, name) -> ParameterError:
        close = difflib.get_close_matches(str(name), self.names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return ParameterError(
            str(name), f"unknown parameter {name!r}{hint} for {self.model}; valid ones are: {', '.join(self.names)}"
        )

    def check_names(self, names: Iterable) -> None:
        """A ParameterError for the first name this model does not take."""
        for name in names:
            if name not in self:
                raise self.unknown(name)

    def validate(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Every value checked (unknown names too), then the rules between them on the full set with defaults."""
        if not isinstance(values, Mapping):
            raise TypeError(
                f"{self.model}'s parameters come as a mapping of name to value, got {type(values).__name__}"
            )
        self.check_names(values)
        checked = {name: self._index[name].check(value) for name, value in values.items()}
        full = {**self.defaults(), **checked}
        for rule in self.rules:
            if not rule.holds(full):
                raise ParameterError(rule.names[0], rule.message(full))
        return checked

    def parse(self, name: str, text: str):
        """One value from text, as `--set name=text` reads it."""
        return self[name].parse(text)

    def parse_assignment(self, text: str) -> tuple[str, Any]:
        """'name=text' → (name, value), as `--set` reads it."""
        name, sep, raw = text.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set takes name=value, got {text!r}")
        return name.strip(), self.parse(name.strip(), raw)

    def replace(self, name: str, **changes) -> Declaration:
        """A copy with one parameter changed (a range, a default...)."""
        changed = replace(self[name], **changes)
        return replace(self, parameters=tuple(changed if p.name == name else p for p in self.parameters))

    def encode(self, values: Mapping[str, Any]) -> str:
        """A parameter set as compact URL-safe text, defaults omitted, in declaration order: decode reads it back.

        `dataset-moons~hidden-16_16~learning_rate-0.05`: items joined by "~", name and value by "-", the numbers
        of a tuple by "_" (a trailing "_" marks a one-number tuple); a free text (a CSV path) is base64url after
        "."; None is `none`. Sequences come back as tuples. A graph or a Dataset object cannot be written.
        """
        self.validate(values)
        items = []
        for p in self.parameters:
            if p.name not in values:
                continue
            code = p.encode(values[p.name])
            if not _encodable(p, p.default) or code != p.encode(p.default):
                items.append(f"{p.name}{PAIR}{code}")
        return ITEM.join(items)

    def decode(self, text: str) -> dict[str, Any]:
        """The parameter set `encode` wrote (only what differs from the defaults), checked."""
        if not isinstance(text, str):
            raise TypeError(f"decode takes text, got {type(text).__name__}")
        values = {}
        for item in filter(None, text.split(ITEM)):
            name, sep, code = item.partition(PAIR)
            if not sep:
                raise ParameterError(name, f"cannot read {item!r}: write name-value")
            if name in values:
                raise ParameterError(name, f"{name} is given twice in {text!r}")
            values[name] = self[name].decode(code)
        self.validate(values)
        return {p.name: values[p.name] for p in self.parameters if p.name in values}


def _encodable(p: Parameter, value) -> bool:
    try:
        p.encode(value)
    except ParameterError:
        return False
    return True
