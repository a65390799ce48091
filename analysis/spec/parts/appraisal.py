"""How a study was run and where it stands in the evidence base: risk of bias, a review's contents, overlap, retraction.

These are not published figures (nothing here shapes a dataset or is checked on one); they are the appraisal a
reader needs beside the figures:

- :class:`RiskOfBias`: a rating per domain with the tool that fits the design (RoB 2, ROBINS-I/E, QUIPS, JBI,
  AMSTAR 2), each domain with its judgement and the quote or reason that supports it;
- ``includes`` / ``includes_note``: a review's primary studies (spec ids where a spec exists, else short names);
- :class:`Overlap`: known or probable sample overlap with another spec (count the people once);
- :class:`ReviewCertainty`: a review's own GRADE rating per outcome, as it printed it;
- :class:`Retraction`: the notice of a retracted source (such a spec counts nowhere).

Cross-spec references (``includes`` naming a spec id, ``overlap.study``) are checked once the whole registry is
loaded: :func:`check_references`.

>>> RiskOfBias.model_validate({"tool": "RoB 2", "overall": "some concerns", "source": "risk-of-bias.md part 1a",
...     "domains": [{"domain": "D1 randomisation", "judgement": "unclear", "provisional": "some concerns",
...                  "support": "method not in text read"}]}).domains[0].letter
'U'
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from analysis.core.errors import InputError
from analysis.spec.parts.base import Strict

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Judgement = Literal["low", "some concerns", "moderate", "high", "unclear"]
Tool = Literal["RoB 2", "ROBINS-I", "ROBINS-E", "QUIPS", "JBI", "AMSTAR 2"]
Certainty = Literal["high", "moderate", "low", "very low"]

#: The letter robvis-style summaries show for each judgement (SC for RoB 2's "some concerns").
LETTERS: dict[str, str] = {"low": "L", "some concerns": "SC", "moderate": "M", "high": "H", "unclear": "U"}

#: What looks like a spec id: ``includes`` entries of this form must name a spec that exists.
SPEC_ID = re.compile(r"S\d+[a-z]?")


class DomainRating(Strict):
    """One domain of a risk-of-bias tool: the judgement, the one the design alone suggests, and its support."""

    domain: Text
    judgement: Judgement
    #: The judgement the design alone suggests where the text read does not settle it ("U [SC: ...]" in the
    #: source), or the worse judgement an arrow points to ("SC→H").
    provisional: Judgement | None = None
    #: A verbatim quote or the source's reason (required: a judgement without support is not a rating).
    support: Text

    @property
    def letter(self) -> str:
        """The judgement as robvis prints it: L, SC, M, H or U."""
        return LETTERS[self.judgement]


class RiskOfBias(Strict):
    """A study's risk-of-bias rating, per domain, with the tool that fits its design."""

    tool: Tool
    #: For QUIPS: the prognostic factor the rating is for.
    factor: str | None = None
    domains: list[DomainRating] = Field(min_length=1)
    overall: Judgement
    #: As ``provisional`` on a domain: the worse judgement an arrow points to ("SC→H").
    overall_provisional: Judgement | None = None
    #: What the source adds to the overall word ("H for stretching vs book on self-reported outcomes", "M-H").
    overall_note: str | None = None
    #: The key quotes the rating rests on, verbatim with their location, as the source prints them.
    quotes: str | None = None
    #: Where the rating was read ("risk-of-bias.md part 1a").
    source: Text

    @model_validator(mode="after")
    def _distinct_domains(self) -> "RiskOfBias":
        names = [d.domain for d in self.domains]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"domain {repeated[0]!r} is rated twice")
        return self


class Overlap(Strict):
    """Known or probable sample overlap with another spec: the same people must not be counted twice."""

    study: Text
    certainty: Literal["known", "probable", "possible"]
    reason: Text


class ReviewCertainty(Strict):
    """A review's own GRADE certainty for one outcome, as the review printed it."""

    outcome: Text
    rating: Certainty
    reasons: str | None = None
    source: Text


class Retraction(Strict):
    """The retraction of a source: its notice (a DOI or address) is required; such a spec counts nowhere."""

    notice: Text
    #: The notice's date when a source prints it (never invented).
    date: dt.date | None = None
    reason: Text


class Appraisal(Strict):
    """The appraisal fields of :class:`~analysis.spec.model.StudySpec` (a mixin: all optional)."""

    risk_of_bias: RiskOfBias | None = None
    includes: list[Text] = []
    includes_note: str | None = None
    overlap: list[Overlap] = []
    review_certainty: list[ReviewCertainty] = []
    retracted: Retraction | None = None

    @model_validator(mode="after")
    def _not_itself(self) -> "Appraisal":
        own = getattr(self, "id", None)
        if own is not None:
            for i, name in enumerate(self.includes):
                if name == own:
                    raise ValueError(f"includes[{i}]: a spec cannot include itself ({own})")
            for i, item in enumerate(self.overlap):
                if item.study == own:
                    raise ValueError(f"overlap[{i}].study: a spec cannot overlap with itself ({own})")
            seen = [o.study for o in self.overlap]
            repeated = sorted({s for s in seen if seen.count(s) > 1})
            if repeated:
                raise ValueError(f"overlap: {repeated[0]} is listed twice")
        return self


def check_references(specs: dict[str, tuple[Path, Appraisal]]) -> None:
    """Check every cross-spec reference of the registry: ``includes`` entries that look like a spec id
    (``S12``, ``S21b``) and every ``overlap.study`` must name a spec that exists.

    Parameters
    ----------
    specs : dict
        Study id -> (the file it was read from, the spec).

    Raises
    ------
    InputError
        Naming the file, the field and the unknown id.
    """
    for study_id, (path, spec) in specs.items():
        for i, name in enumerate(spec.includes):
            if SPEC_ID.fullmatch(name) and name not in specs:
                raise InputError(path, f"includes[{i}]", f"names spec {name!r}, which does not exist; "
                                 "write a short name (e.g. 'Feldman 2001') for a study without a spec")
        for i, item in enumerate(spec.overlap):
            if item.study not in specs:
                raise InputError(path, f"overlap[{i}].study", f"unknown spec {item.study!r}")
