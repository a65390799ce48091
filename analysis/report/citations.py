"""The cited studies as a reference manager reads them (issue #32, item 4): BibTeX entries and RIS records.

Pure text from a spec's :class:`~analysis.spec.parts.base.Citation`, its title and its retraction; ``studies export``
(:mod:`analysis.cli_cite`) writes them to a file.

What a spec records is kept honest:

- the author text becomes a list of names (``"Cherkin DC, Sherman KJ, et al."``: Cherkin, D. C. and Sherman, K. J.);
  "et al." becomes BibTeX's ``and others`` (an RIS note); where the text is more than a list of names (``...`` for
  names left out, a remark such as "co-authors not in the gathered record"), only the names whose place is known are
  listed, followed by ``others``, and a note keeps the text as recorded; a text naming no one gives no author;
- a retracted study's title starts "RETRACTED:" and its first note names the notice and the reason;
- a year the record does not print is left out (never guessed); abbreviated page ranges are written in full
  ("1510-19": 1510 to 1519), and a volume "2(1)" is volume 2, issue 1;
- PMID and PMCID go to the notes.

BibTeX: one ``@article`` per study keyed by its id, special characters escaped (:func:`escape_bibtex`), a word with
a capital after its first letter braced so that a style keeps its case (``{AFL}``); the DOI is written as is (a
verbatim field for biblatex), except for braces and backslashes (percent-encoded, as in a DOI's URL form). Non-ASCII
text stays UTF-8 (biber and bibtex8 read it).

RIS: the RIS specification (Research Information Systems, RefMan) ends every line with CR LF, and so does this
module, whatever the platform: tools that split on LF alone still read it, and tools written to the specification
(EndNote's import) need the CR. Text is UTF-8, each value on one line (whitespace collapsed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

#: The formats ``studies export`` writes, by the suffix of ``--out``.
FORMATS = {".bib": "BibTeX", ".ris": "RIS"}

#: What each BibTeX special character is written as: an escape, or a text command whose braces stay balanced
#: (BibTeX counts every brace, escaped or not, so ``\\{`` alone would end a field early).
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "%": r"\%",
                   "&": r"\&", "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}
#: Lower-case words that belong to a family name ("van Tulder MW", "de Visser HM").
_PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "dos", "das", "la", "le", "ten",
              "ter", "st"}
_INITIALS = re.compile(r"^(?P<family>.+?)\s+(?P<initials>[A-Z]{1,4})$")
_SURNAME = re.compile(r"^[^\W\d_][\w'’.-]*$")
_ET_AL = re.compile(r"(?:^|\s+)et\s+al\.?$")
_GAP = {"...", "…"}


@dataclass(frozen=True)
class Authors:
    """A spec's author text as names.

    Attributes
    ----------
    names : tuple of (str, str)
        Each author whose place in the list is known, as (family name, initials such as ``"D. C."``; ``""`` when
        the text gives a family name alone).
    others : bool
        True when the list is incomplete ("et al.", names left out, co-authors not recorded).
    recorded : str or None
        The spec's text, when it says more than the names and "et al." (a note keeps it); None otherwise.
    """

    names: tuple[tuple[str, str], ...]
    others: bool
    recorded: str | None


def _family_name(text: str) -> bool:
    words = text.split()
    return bool(words) and all(_SURNAME.match(w) and (w[0].isupper() or w.lower() in _PARTICLES) for w in words) \
        and words[-1][0].isupper()


def parse_authors(text: str) -> Authors:
    """Read a spec's author text ("Smith J, Jones KL", "Smith J et al.", "Smith J, ..., Brown K") as names.

    Parameters
    ----------
    text : str
        ``Citation.authors`` as the spec writes it: "Family INITIALS" separated by commas, with "et al." or
        ``...`` for names not listed and remarks in parentheses or as plain words.

    Returns
    -------
    Authors
        The names in order (up to the first gap), whether the list is incomplete, and the text when it holds more
        than names.

    Examples
    --------
    >>> parse_authors("Cherkin DC, van Tulder MW, et al.")
    Authors(names=(('Cherkin', 'D. C.'), ('van Tulder', 'M. W.')), others=True, recorded=None)
    >>> parse_authors("Allam NM, Eladl HM, ..., Abdelbasset WK").names
    (('Allam', 'N. M.'), ('Eladl', 'H. M.'))
    >>> parse_authors("authors not in the gathered record")
    Authors(names=(), others=False, recorded='authors not in the gathered record')
    """
    text = " ".join(text.split())
    remark = re.search(r"\([^()]*\)", text) is not None
    bare = re.sub(r"\s*\([^()]*\)", "", text)
    names: list[tuple[str, str]] = []
    others = gap = False
    for part in (p.strip() for p in bare.split(",")):
        if not part:
            continue
        if _ET_AL.search(part):
            others = True
            part = _ET_AL.sub("", part).strip()
            if not part:
                continue
        if part in _GAP:
            others = gap = True
            continue
        initials = _INITIALS.match(part)
        if initials and _family_name(initials["family"]):
            name = (initials["family"], " ".join(f"{c}." for c in initials["initials"]))
        elif _family_name(part) and " " not in part:
            name = (part, "")
        else:  # a remark, not a name: the list is not complete
            remark = True
            continue
        if not gap:
            names.append(name)
    if remark and names:
        others = True
    return Authors(tuple(names), others, text if remark or gap or not names else None)


def split_pages(pages: str | None) -> tuple[str | None, str | None]:
    """The first and last page of ``pages``, an abbreviated last page written in full; (pages, None) when it is not
    a range ("e0298257", "article 2869").

    >>> split_pages("1510-19"), split_pages("E169-73"), split_pages("E109-E120"), split_pages("CD009790")
    (('1510', '1519'), ('E169', 'E173'), ('E109', 'E120'), ('CD009790', None))
    """
    if pages is None:
        return None, None
    found = re.fullmatch(r"\s*([A-Za-z]*)(\d+)\s*[-\u2013]+\s*([A-Za-z]*)(\d+)\s*", pages)
    if found is None:
        return pages.strip(), None
    prefix, first, end_prefix, last = found.groups()
    if end_prefix not in ("", prefix):
        return pages.strip(), None
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return prefix + first, prefix + last


def split_volume(volume: str | None) -> tuple[str | None, str | None]:
    """Volume and issue of a volume text: "2(1)" is volume 2, issue 1; "(9)" an issue alone.

    >>> split_volume("2(1)"), split_volume("(9)"), split_volume("44"), split_volume(None)
    (('2', '1'), (None, '9'), ('44', None), (None, None))
    """
    if volume is None:
        return None, None
    found = re.fullmatch(r"\s*([^()]*?)\s*\(([^()]+)\)\s*", volume)
    if found is None:
        return volume.strip() or None, None
    return found[1] or None, found[2].strip()


def retraction_note(spec) -> str | None:
    """The note that says a study is retracted (its notice, date and reason), or None."""
    retracted = spec.retracted
    if retracted is None:
        return None
    notice = f"doi:{retracted.notice}" if retracted.notice.startswith("10.") else retracted.notice
    date = f", {retracted.date.isoformat()}" if retracted.date is not None else ""
    return f"RETRACTED (notice {notice}{date}): {retracted.reason}"


def _notes(spec, authors: Authors, et_al: bool) -> list[str]:
    """The notes of a record: the retraction first, then the author text as recorded, then PMID and PMCID."""
    c = spec.citation
    notes = [retraction_note(spec)]
    if authors.recorded is not None:
        notes.append(f"Authors as recorded: {authors.recorded}")
    elif et_al and authors.others:
        notes.append("Authors: the list is incomplete (et al.)")
    notes += [f"PMID: {c.pmid}" if c.pmid else None, f"PMCID: {c.pmc}" if c.pmc else None]
    return [" ".join(n.split()) for n in notes if n]


def _title(spec) -> str:
    title = " ".join(spec.title.split())
    return f"RETRACTED: {title}" if spec.retracted is not None else title


def escape_bibtex(text: str) -> str:
    """``text`` with BibTeX's special characters ``{ } % & $ # _ \\ ~ ^`` escaped (each once, braces kept balanced).

    >>> print(escape_bibtex("50% of {A & B}_1 #4"))
    50\\% of \\textbraceleft{}A \\& B\\textbraceright{}\\_1 \\#4
    >>> print(escape_bibtex("~ $2^3 \\\\"))
    \\textasciitilde{} \\$2\\textasciicircum{}3 \\textbackslash{}
    """
    return "".join(_BIBTEX_ESCAPES.get(ch, ch) for ch in " ".join(text.split()))


def _keep_case(text: str) -> str:
    """Escaped ``text`` with each word that has a capital after its first letter braced ("AFL", "McLachlan"), so that
    a style that lower-cases titles leaves it."""
    return " ".join(f"{{{escape_bibtex(w)}}}" if any(ch.isupper() for ch in w[1:]) else escape_bibtex(w)
                    for w in text.split())


def _doi_field(doi: str) -> str:
    """A DOI as a (verbatim) BibTeX field value: as is, but braces and backslashes percent-encoded."""
    return "".join({"{": "%7B", "}": "%7D", "\\": "%5C"}.get(ch, ch) for ch in doi.strip())


def bibtex_entry(spec) -> str:
    """One study as a BibTeX ``@article`` entry keyed by its id.

    Parameters
    ----------
    spec : StudySpec
        The study (its ``id``, ``title``, ``citation`` and ``retracted`` are read).

    Returns
    -------
    str
        The entry, fields in the order author, title, journal, year, volume, number, pages, doi, note; a field the
        citation lacks is left out. No trailing newline.

    Examples
    --------
    >>> from analysis.spec.model import StudySpec
    >>> spec = StudySpec.model_validate({"id": "S0", "short": "x", "design": "cohort", "population": "x",
    ...     "variables": {}, "title": "Hamstring strain & AFL: 90% return",
    ...     "citation": {"authors": "Smith J, van Tulder MW, et al.", "year": 2010, "journal": "Br J Sports Med",
    ...                  "volume": "44(6)", "pages": "415-19", "doi": "10.1136/x_1", "pmid": "123"}})
    >>> print(bibtex_entry(spec))
    @article{S0,
      author = {Smith, J. and van Tulder, M. W. and others},
      title = {Hamstring strain \\& {AFL:} 90\\% return},
      journal = {Br J Sports Med},
      year = {2010},
      volume = {44},
      number = {6},
      pages = {415--419},
      doi = {10.1136/x_1},
      note = {PMID: 123}
    }
    """
    c = spec.citation
    authors = parse_authors(c.authors)
    names = [escape_bibtex(f"{family}, {given}" if given else family) for family, given in authors.names]
    volume, number = split_volume(c.volume)
    first, last = split_pages(c.pages)
    fields = [
        ("author", " and ".join(names + ["others"] * authors.others) if names else None),
        ("title", _keep_case(_title(spec))),
        ("journal", escape_bibtex(c.journal)),
        ("year", str(c.year) if c.year is not None else None),
        ("volume", escape_bibtex(volume) if volume else None),
        ("number", escape_bibtex(number) if number else None),
        ("pages", escape_bibtex(f"{first}--{last}" if last else first) if first else None),
        ("doi", _doi_field(c.doi) if c.doi else None),
        ("note", escape_bibtex("; ".join(_notes(spec, authors, et_al=False))) or None),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@article{{{spec.id},\n{body}\n}}"


def _ris_value(text: str) -> str:
    return " ".join(str(text).split())


def ris_record(spec) -> str:
    """One study as an RIS record (``TY  - JOUR`` to ``ER  - ``), lines ended by CR LF as the RIS specification says.

    Parameters
    ----------
    spec : StudySpec
        The study (its ``id``, ``title``, ``citation`` and ``retracted`` are read).

    Returns
    -------
    str
        The record: TY, ID (the study id), AU (one per author, "Family, I. N."), TI, T2 and JO (the journal), PY,
        VL, IS, SP and EP, DO, N1 (one per note: the retraction, an incomplete author list, PMID, PMCID), ER; a tag
        whose value the citation lacks is left out. Ends with CR LF.

    Examples
    --------
    >>> from analysis.spec.model import StudySpec
    >>> spec = StudySpec.model_validate({"id": "S0", "short": "x", "design": "cohort", "population": "x",
    ...     "variables": {}, "title": "A trial", "citation": {"authors": "Smith J et al.", "year": None,
    ...     "journal": "Spine", "pages": "E169-73"}, "retracted": {"notice": "10.1/r", "reason": "no ethics approval"}})
    >>> print(ris_record(spec).replace("\\r\\n", "\\n").rstrip())
    TY  - JOUR
    ID  - S0
    AU  - Smith, J.
    TI  - RETRACTED: A trial
    T2  - Spine
    JO  - Spine
    SP  - E169
    EP  - E173
    N1  - RETRACTED (notice doi:10.1/r): no ethics approval
    N1  - Authors: the list is incomplete (et al.)
    ER  -
    """
    c = spec.citation
    authors = parse_authors(c.authors)
    volume, number = split_volume(c.volume)
    first, last = split_pages(c.pages)
    lines = [("TY", "JOUR"), ("ID", spec.id)]
    lines += [("AU", f"{family}, {given}" if given else family) for family, given in authors.names]
    lines += [("TI", _title(spec)), ("T2", c.journal), ("JO", c.journal), ("PY", c.year), ("VL", volume),
              ("IS", number), ("SP", first), ("EP", last), ("DO", c.doi)]
    lines += [("N1", note) for note in _notes(spec, authors, et_al=True)]
    text = "".join(f"{tag}  - {_ris_value(value)}\r\n" for tag, value in lines if value is not None and value != "")
    return text + "ER  - \r\n"


def citations_text(specs: Iterable, suffix: str) -> str:
    """The studies as one file's text in the format of ``suffix`` (``.bib`` or ``.ris``, see :data:`FORMATS`).

    >>> citations_text([], ".ris")
    ''
    """
    suffix = suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"suffix must be one of {', '.join(FORMATS)}, got {suffix!r}")
    if suffix == ".bib":
        return "".join(bibtex_entry(s) + "\n\n" for s in specs)
    return "\r\n".join(ris_record(s) for s in specs)
