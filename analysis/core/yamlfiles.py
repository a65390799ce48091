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


class YamlLoader(_BaseLoader):
    """The safe YAML loader, with floats that keep their printed decimals (:class:`PrintedFloat`)."""


YamlLoader.add_constructor("tag:yaml.org,2002:float", _construct_printed_float)


class _NotAMapping(Exception):
    """The YAML document is not a mapping of fields."""


#: Deepest bracket nesting accepted; the specs and claims need 4. libyaml recurses per level and crashes the
#: interpreter long before Python's recursion limit would stop it (a list nested 200,000 deep segfaults).
MAX_NESTING = 64


def _check_nesting(raw: bytes) -> None:
    """Refuse flow-style nesting deeper than :data:`MAX_NESTING` before the parser sees it.

    Brackets inside quoted strings count too, which can only over-count; block-style nesting deep enough to
    matter would need indentation (and a file) far larger than any spec.
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


@lru_cache(maxsize=1024)
def validated(model: type[Model], raw: bytes) -> Model:
    """Parse and validate once per (model, file content): the models are frozen, so sharing is safe.

    Raises ``yaml.YAMLError``, ``_NotAMapping`` or ``ValidationError``; failures are never cached.
    """
    _check_nesting(raw)
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


def read_model(path: Path, model: type[Model]) -> tuple[Model, bytes]:
    """Parse ``path`` as YAML and validate it as ``model``; return the model and the file's bytes.

    Raises
    ------
    InputError
        Naming the file, the first bad field and every problem found.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, "(file)", f"cannot be read: {exc.strerror}") from None
    try:
        return validated(model, raw), raw
    except yaml.YAMLError as exc:
        raise InputError(path, "(file)", f"is not valid YAML: {str(exc).splitlines()[0]}") from None
    except _NotAMapping as exc:
        raise InputError(path, "(top level)", str(exc)) from None
    except ValidationError as exc:
        field, problem = format_validation_error(exc)
        raise InputError(path, field, problem) from None
