"""One schema, one validator: every column rule is a Frictionless Table Schema field, and pandera checks data
against that field.

A study's variables (:func:`study_table_schema`), a data family (:func:`family_table_schema`) and the
``datapackage.json`` of a generated dataset all describe columns the same way: ``type`` (number, integer,
boolean, string), ``constraints`` (``minimum``, ``maximum``, ``enum``, ``required``, ``unique``) and, since Table
Schema has no step, a ``step`` property for integer scales that move in steps (an ODI in 2s). :func:`to_pandera`
is the only place a rule becomes a check, so ``data validate --family`` and ``analyze --data`` cannot disagree
about what a column may hold.

>>> from analysis.spec.model import load_study
>>> schema = study_table_schema(load_study("S2"), ["ake_tightness"], groups=["lbp", "healthy"])
>>> [f["name"] for f in schema["fields"]], schema["fields"][0]["constraints"]
(['ake_tightness', 'group', 'participant'], {'minimum': 0.0, 'maximum': 90.0})
>>> sorted(to_pandera(schema).columns)
['ake_tightness', 'group', 'participant']
"""

from __future__ import annotations

import pandera.pandas as pa

NUMERIC = ("number", "integer", "boolean")


def variable_field(name: str, var) -> dict:
    """The Table Schema field of a spec variable: number or integer, its scale's bounds, its step."""
    field: dict = {"name": name, "type": "integer" if var.integer else "number", "title": var.label}
    if var.unit:
        field["unit"] = var.unit
    if var.bounds is not None:
        field["constraints"] = {"minimum": float(var.bounds[0]), "maximum": float(var.bounds[1])}
    if var.integer and (var.step or 1) != 1:
        field["step"] = var.step
    return field


def study_table_schema(spec, columns: list[str], groups: list[str] | None = None) -> dict:
    """The columns an analysis of ``spec`` reads, as a Table Schema (plus ``group`` and an optional ``participant``)."""
    fields = [variable_field(name, spec.variables[name]) for name in columns]
    if groups is not None:
        fields.append({"name": "group", "type": "string", "constraints": {"enum": list(groups), "required": True}})
    fields.append({"name": "participant", "type": "string", "constraints": {"unique": True}, "optional": True})
    return {"fields": fields}


def family_table_schema(family) -> dict:
    """A data family's column rules as a Table Schema (binary columns: integers limited to 0 and 1)."""
    fields = []
    for name, rule in family.columns.items():
        kind = {"number": "number", "integer": "integer", "binary": "integer", "text": "string"}[rule.type]
        constraints: dict = {}
        if rule.bounds is not None:
            constraints.update(minimum=float(rule.bounds[0]), maximum=float(rule.bounds[1]))
        if rule.type == "binary":
            constraints["enum"] = [0, 1]
        if rule.allowed is not None:
            constraints["enum"] = list(rule.allowed)
        if rule.required:
            constraints["required"] = True
        if rule.unique:
            constraints["unique"] = True
        field = {"name": name, "type": kind, "constraints": constraints, "optional": not rule.required}
        if rule.type == "integer" and (rule.step or 1) != 1:
            field["step"] = rule.step
        fields.append(field)
    return {"fields": fields}


def _checks(field: dict) -> list[pa.Check]:
    c = field.get("constraints", {})
    checks = []
    if "minimum" in c or "maximum" in c:
        low, high = c.get("minimum", float("-inf")), c.get("maximum", float("inf"))
        checks.append(pa.Check.in_range(low, high, error=f"outside [{low:g}, {high:g}]"))
    if field["type"] == "integer":
        step = field.get("step") or 1
        checks.append(pa.Check(lambda s, step=step: (s / step).round() == s / step, element_wise=False,
                               error=f"not a whole multiple of {step:g}"))
    if "enum" in c:
        allowed = c["enum"]
        error = "not 0 or 1" if allowed == [0, 1] else f"not one of {allowed}"
        checks.append(pa.Check.isin(allowed, error=error))
    return checks


def to_pandera(table_schema: dict) -> pa.DataFrameSchema:
    """The pandera schema of a Table Schema: the one place a column rule becomes a check.

    Numbers are checked as floats (a file may write 3 as 3.0; :func:`analysis.datasets.loaders.validate` coerces
    them first and reports what is not a number); ``optional`` fields may be absent from the file.
    """
    columns = {}
    for field in table_schema["fields"]:
        c = field.get("constraints", {})
        numeric = field["type"] in NUMERIC
        columns[field["name"]] = pa.Column(float if numeric else str, checks=_checks(field),
                                           required=not field.get("optional", False),
                                           unique=bool(c.get("unique")), nullable=not c.get("required", False),
                                           coerce=True)
    return pa.DataFrameSchema(columns, strict=False)
