"""Text from files shown on a terminal as text: control and bidi characters become visible escapes.

Titles, labels, reasons, folder and column names come from registry files and user input. Printed raw, an ESC
sequence in a title could set the window title, recolour or clear the screen, and a bidi override (U+202E) or
isolate (U+2066-U+2069) could reorder what the reader sees. Every character that Python does not count as
printable (``str.isprintable``: the C0 and C1 controls, DEL, format characters such as the bidi controls and
zero-width marks, line and paragraph separators, unassigned and private-use code points, spaces other than the
plain space) is shown as its Python escape instead (``\\x1b``, ``\\u202e``). The CLI prints plain text (no Rich
console), so Rich markup such as ``[red]`` in a title prints literally too.

The CLI's printers build each line of output and pass the lines to :func:`lines`; errors pass through
:func:`one_line`.

Examples
--------
>>> print(escape("\\x1b]0;owned\\x07 title"))
\\x1b]0;owned\\x07 title
>>> print(escape("abc\\u202edef [red]x[/red]"))
abc\\u202edef [red]x[/red]
>>> print(one_line("bad column \\x1b[31mred\\n next"))
bad column \\x1b[31mred next
>>> print(lines("S1: a title", "  a second\\nline"))
S1: a title
  a second\\nline
"""

from __future__ import annotations


def escape(text: str) -> str:
    """``text`` with every non-printable character (see the module's notes) as its Python escape."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def one_line(text: str) -> str:
    """``text`` on one line (each run of whitespace, line breaks included, one space), then escaped."""
    return escape(" ".join(str(text).split()))


def lines(*parts: str) -> str:
    """The ``parts`` as lines of output, each escaped: a line break inside a part shows as ``\\n``, so text from a
    file can neither move the cursor nor forge a line of its own."""
    return "\n".join(escape(part) for part in parts)
