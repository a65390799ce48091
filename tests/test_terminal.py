"""Registry text reaches a terminal as text: control characters, ESC sequences and bidi controls in titles, labels,
questions and folder names print as visible escapes, and Rich markup prints literally (issue #35)."""

import json

import pytest

from analysis.cli import main
from analysis.core.terminal import escape, lines, one_line

#: Raw in a title: an OSC sequence that sets the window title (ESC ] ... BEL), a colour (ESC [ 31 m), a C1 CSI
#: (U+009B), a right-to-left override (U+202E), a first-strong isolate and its pop (U+2068, U+2069), a line break.
HOSTILE = "\x1b]0;owned\x07 \x1b[31mred \x9b2J \u202eevil\u2068x\u2069 [red]markup[/red] [link=http://x]y[/link]\nfake"
DANGEROUS = ("\x1b", "\x07", "\x9b", "\u202e", "\u2068", "\u2069")
SHOWN = ("\\x1b]0;owned\\x07", "\\x1b[31mred", "\\x9b2J", "\\u202eevil\\u2068x\\u2069", "[red]markup[/red]",
         "[link=http://x]y[/link]")


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def assert_escaped(out: str) -> None:
    assert not any(ch in out for ch in DANGEROUS), repr(out)
    for shown in SHOWN:
        assert shown in out, (shown, out)


@pytest.fixture
def hostile(isolated_data):
    """The registry copy with HOSTILE in a claim's title and question and in a spec's title, short name and label."""
    for path in (isolated_data / "claims").glob("*.yaml"):
        if not path.name.startswith("07-"):
            path.unlink()
    quoted = json.dumps(HOSTILE)[1:-1]  # a YAML double-quoted string takes JSON's escapes (raw ESC is refused)
    claim = isolated_data / "claims" / "07-clbp-less-flexible.yaml"
    text = claim.read_text()
    text = text.replace("title: People with chronic LBP", f'title: "{quoted} People with chronic LBP', 1)
    text = text.replace("than people without\n", 'than people without"\n', 1)
    text = text.replace('question: "Are hamstrings', f'question: "{quoted} Are hamstrings', 1)
    claim.write_text(text)
    spec = next((isolated_data / "studies").glob("S2-*.yaml"))
    text = spec.read_text()
    text = text.replace('short: "Mistry', f'short: "{quoted} Mistry', 1)
    text = text.replace("title: Comparison", f'title: "{quoted} Comparison', 1).replace(
        "normal individuals\n", 'normal individuals"\n', 1)
    text = text.replace("label: Chronic LBP (group A)", f'label: "{quoted} Chronic LBP (group A)"', 1)
    spec.write_text(text)
    return isolated_data


def test_claims_list_escapes_a_hostile_title(capsys, hostile):
    code, out, err = run(capsys, "claims", "list")
    assert code == 0, err
    assert_escaped(out)
    assert "\\nfake" in out and len(out.splitlines()) == 1  # the line break in the title forges no line


def test_studies_list_and_show_escape_hostile_text(capsys, hostile):
    code, out, err = run(capsys, "studies", "list")
    assert code == 0, err
    assert_escaped(out)
    code, out, err = run(capsys, "studies", "show", "S2")
    assert code == 0, err
    assert_escaped(out)
    assert out.splitlines()[0].startswith("S2: \\x1b]0;owned\\x07")  # the title
    assert "  group lbp: \\x1b]0;owned\\x07" in out  # a group label, also in each published figure's row


def test_analyze_escapes_a_hostile_title_and_question(capsys, hostile):
    code, out, err = run(capsys, "analyze", "clbp-less-flexible")
    assert code == 0, err
    assert_escaped(out)


def test_init_escapes_a_hostile_folder_name(capsys, tmp_path):
    folder = tmp_path / "reg\x1b]0;owned\x07\u202etxt.exe"
    code, out, err = run(capsys, "init", str(folder))
    assert code == 0, err
    assert folder.is_dir()
    assert not any(ch in out for ch in DANGEROUS) and "reg\\x1b]0;owned\\x07\\u202etxt.exe" in out


def test_errors_and_output_share_one_escape():
    assert escape("a\x1bb\u202ec\x85d\u2028e") == "a\\x1bb\\u202ec\\x85d\\u2028e"
    assert one_line("bad column \x1b[31mred\x1b[0m\nnext") == "bad column \\x1b[31mred\\x1b[0m next"
    assert lines("one", "two\nthree") == "one\ntwo\\nthree"
    assert escape("plain text, ASCII and accents: é ü, [red]x[/red]") == "plain text, ASCII and accents: é ü, [red]x[/red]"
