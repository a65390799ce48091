"""Read a YAML file into a validated pydantic model, with one-line errors naming file and field.

>>> from pydantic import BaseModel
>>> import tempfile, pathlib
>>> class Point(BaseModel):
...     x: int
>>> path = pathlib.Path(tempfile.mkdtemp()) / "p.yaml"
>>> _ = path.write_text("x: seven\\n")
>>> try:
...     read_model(path, Point)
... except Exception as exc:
...     print(exc)  # doctest: +ELLIPSIS
/.../p.yaml: x: Input should be a valid integer, unable to parse string as an integer
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from analysis.core.errors import InputError

Model = TypeVar("Model", bound=BaseModel)
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it: ~10x faster


class PrintedFloat(float):
    """A float read from YAML that remembers how many decimals it was written with ("2.10" -> 2.1, decimals 2).

    >>> x = yaml.load("2.10", Loader=YamlLoader)
    >>> x == 2.1, x.decimals
    (True, 2)
    """

    decimals: int


def _construct_printed_float(loader, node) -> float:
    value = yaml.SafeLoader.construct_yaml_float(loader, node)
    text = str(node.value).strip().lower()
    if not isinstance(value, float) or not value == value or text.lstrip("+-") in (".inf", ".nan"):
        return value
    mantissa = text.split("e")[0]
    out = PrintedFloat(value)
    out.decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return out


#: Most digits in a whole number: past 309 a number overflows the float conversions far from where it was read (a
#: 401-digit one raised OverflowError); no field needs more than ~10, and 10**40 still reaches its own range check.
MAX_INT_DIGITS = 100


def _construct_bounded_int(loader, node) -> int:
    digits = sum(ch.isdigit() for ch in str(node.value).lstrip("+-0").replace("_", "")) or 1
    if digits > MAX_INT_DIGITS:  # checked on the text: Python refuses to convert more than 4,300 digits at all
        raise yaml.YAMLError(f"a whole number of {digits:,} digits (line {node.start_mark.line + 1}); "
                             f"numbers here have at most {MAX_INT_DIGITS} digits")
    return yaml.SafeLoader.construct_yaml_int(loader, node)


class DuplicateKeyError(yaml.YAMLError):
    """A mapping gives the same key twice (YAML parsers silently keep the last); ``key`` names it."""

    def __init__(self, key: object, first_line: int, second_line: int):
        self.key = str(key)
        super().__init__(f"is given twice (lines {first_line} and {second_line}); a key must be unique, "
                         f"or the second value would silently replace the first")


class YamlLoader(_BaseLoader):
    """The safe YAML loader, with floats that keep their printed decimals (:class:`PrintedFloat`) and duplicate
    keys refused (:class:`DuplicateKeyError`).

    >>> yaml.load("title: a\\ntitle: b\\n", Loader=YamlLoader)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.core.yamlfiles.DuplicateKeyError: is given twice (lines 1 and 2); ...
    """

    def construct_mapping(self, node, deep=False):  # noqa: D102 - the SafeConstructor method, plus the check
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<: *base` merges are overridden on purpose
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    if key in seen:
                        raise DuplicateKeyError(key, seen[key], line)
                    seen[key] = line
                except TypeError:
                    continue  # an unhashable key: the constructor below names it
        return super().construct_mapping(node, deep=deep)


YamlLoader.add_constructor("tag:yaml.org,2002:float", _construct_printed_float)
YamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_bounded_int)


class _NotAMapping(Exception):
    """The YAML document is not a mapping of fields."""


#: Deepest nesting accepted (brackets, or block mappings and sequences); the specs and claims need 4. libyaml's
#: composer recurses per level and crashes the interpreter long before Python's recursion limit would stop it
#: (a block sequence or a list nested 100,000 deep segfaults), so depth is checked on the parser's events first.
MAX_NESTING = 64
#: Most aliases (``*name``) in one file; the repository's files use none.
MAX_ALIASES = 100
#: Most nodes once every alias is expanded ("billion laughs": a few lines that expand to 10**9 strings); the
#: largest spec has about 600.
MAX_NODES = 100_000
#: Largest YAML file read; the largest spec is about 20 KB.
MAX_BYTES = 1 << 20


def _check_nesting(raw: bytes) -> None:
    """Refuse flow-style nesting deeper than :data:`MAX_NESTING` before the parser sees it.

    Brackets inside quoted strings count too, which can only over-count.
    """
    depth = deepest = 0
    for byte in raw:
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                raise yaml.YAMLError(f"nested more than {MAX_NESTING} levels deep")
        elif byte in b"]}":
            depth = max(depth - 1, 0)


def _check_structure(raw: bytes) -> None:
    """Walk the parser's events (no recursion, no objects built) and refuse a document that is nested deeper than
    :data:`MAX_NESTING`, uses more than :data:`MAX_ALIASES` aliases or expands to more than :data:`MAX_NODES`.

    >>> _check_structure(b"a: &x [1, 2]\\nb: *x\\n")
    >>> laughs = b"a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + b"".join(
    ...     f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\\n".encode() for p, c in zip("abcdefgh", "bcdefghi"))
    >>> _check_structure(laughs)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    yaml.error.YAMLError: aliases expand to more than 100,000 values (line 5); ...
    """
    sizes: dict[str, int] = {}  # anchor -> values in the anchored node once expanded
    starts: list[tuple[str | None, int]] = []  # open collections: (anchor, values counted before it)
    aliases = expanded = 0
    for event in yaml.parse(raw, Loader=_BaseLoader):
        before = expanded
        if isinstance(event, yaml.CollectionStartEvent):
            if len(starts) >= MAX_NESTING:
                raise yaml.YAMLError(f"nested more than {MAX_NESTING} levels deep (line {event.start_mark.line + 1})")
            starts.append((event.anchor, expanded))
            expanded += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, before = starts.pop()
            if anchor:
                sizes[anchor] = expanded - before
        elif isinstance(event, yaml.ScalarEvent):
            expanded += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (line {event.start_mark.line + 1}); "
                                     "a spec needs none")
            expanded += sizes.get(event.anchor, 1)
        if expanded > MAX_NODES:
            raise yaml.YAMLError(f"aliases expand to more than {MAX_NODES:,} values (line {event.start_mark.line + 1}); "
                                 "a spec needs a few hundred (a \"billion laughs\" file?)")


@lru_cache(maxsize=1024)
def validated(model: type[Model], raw: bytes) -> Model:
    """Parse and validate once per (model, file content): the models are frozen, so sharing is safe.

    Raises ``yaml.YAMLError``, ``_NotAMapping`` or ``ValidationError``; failures are never cached.
    """
    _check_nesting(raw)
    _check_structure(raw)
    data = yaml.load(raw, Loader=YamlLoader)
    if not isinstance(data, dict):
        raise _NotAMapping("must be a mapping of fields")
    return model.model_validate(data)


def format_validation_error(exc: ValidationError) -> tuple[str, str]:
    """The first failing field and every problem, as (field, problem)."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "(top level)"
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        problems.append(msg if loc == field else f"{loc}: {msg}")
    return field, "; ".join(problems)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, its size checked (against :data:`MAX_BYTES`) before it is read."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(path, "(file)", f"is {size / (1 << 20):,.1f} MiB; a YAML file here may be at most "
                                             f"{MAX_BYTES >> 20} MiB (the largest spec is about 20 KB)")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(path, "(file)", f"cannot be read: {exc.strerror}") from None


def _yaml_input_error(path: Path, exc: yaml.YAMLError) -> InputError:
    if isinstance(exc, DuplicateKeyError):
        return InputError(path, exc.key, str(exc))
    return InputError(path, "(file)", f"is not valid YAML: {str(exc).splitlines()[0]}")


def load_yaml(path: Path) -> object:
    """Parse ``path`` as YAML with the limits of :func:`validated` (size, depth, aliases, duplicate keys).

    Raises
    ------
    InputError
        Naming the file and the problem (the key, for a duplicate key).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "f.yaml"
    >>> _ = path.write_text("a: 1\\nb: [2, 3]\\n")
    >>> load_yaml(path)
    {'a': 1, 'b': [2, 3]}
    >>> _ = path.write_text("a: 1\\na: 2\\n")
    >>> load_yaml(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: /.../f.yaml: a: is given twice (lines 1 and 2); ...
    """
    path = Path(path)
    raw = _read_bytes(path)
    try:
        _check_nesting(raw)
        _check_structure(raw)
        return yaml.load(raw, Loader=YamlLoader)
    except yaml.YAMLError as exc:
        raise _yaml_input_error(path, exc) from None


def read_model(path: Path, model: type[Model]) -> tuple[Model, bytes]:
    """Parse ``path`` as YAML and validate it as ``model``; return the model and the file's bytes.

    Raises
    ------
    InputError
        Naming the file, the first bad field and every problem found (the file when it is larger than
        :data:`MAX_BYTES`, nested deeper than :data:`MAX_NESTING`, expands past :data:`MAX_NODES` values or has
        more than :data:`MAX_ALIASES` aliases; the key when a key is given twice).
    """
    path = Path(path)
    raw = _read_bytes(path)
    try:
        return validated(model, raw), raw
    except yaml.YAMLError as exc:
        raise _yaml_input_error(path, exc) from None
    except _NotAMapping as exc:
        raise InputError(path, "(top level)", str(exc)) from None
    except ValidationError as exc:
        field, problem = format_validation_error(exc)
        raise InputError(path, field, problem) from None
