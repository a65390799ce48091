"""Bugs stay loud (#28): a project error is one line and exit 2; anything else is an internal error, exit 1.

A planted bug inside an analysis kind (a ``KeyError``, ``ValueError`` or ``ZeroDivisionError`` from its ``run``) must
reach the CLI as "internal error", never as a user error; ``--debug`` prints its traceback. Every ``except`` of a
broad or bug-shaped exception type in ``analysis/`` is listed against a reviewed allowlist, so a new one is looked at.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis.claims.kinds import KINDS
from analysis.cli import main
from analysis.core.errors import AnalysisError, HamstringEvidenceError, InputError, ReconstructionError

PACKAGE = Path(__file__).resolve().parent.parent / "analysis"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def test_project_errors_share_a_base_that_is_not_a_value_error():
    for error in (InputError, AnalysisError, ReconstructionError):
        assert issubclass(error, HamstringEvidenceError)
        assert not issubclass(error, (ValueError, KeyError, ArithmeticError))


@pytest.mark.parametrize("bug", [KeyError("ake_tightness"), ValueError("could not convert"),
                                 ZeroDivisionError("division by zero")], ids=lambda e: type(e).__name__)
def test_a_bug_inside_an_analysis_kind_is_an_internal_error(bug, capsys, monkeypatch):
    def broken_run(self, frame, spec):
        raise bug

    monkeypatch.setattr(KINDS["two_group"], "run", broken_run)
    code, out, err = run(capsys, "analyze", "clbp-less-flexible")
    assert code == 1, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"hamstring-evidence: internal error: {type(bug).__name__}: ")
    assert err.rstrip().endswith("(rerun with --debug for the traceback)")
    assert "error: " + str(bug) not in err  # not shown as a user error


def test_debug_prints_the_bugs_traceback(capsys, monkeypatch):
    def broken_run(self, frame, spec):
        raise ZeroDivisionError("planted")

    monkeypatch.setattr(KINDS["two_group"], "run", broken_run)
    code, _, err = run(capsys, "--debug", "analyze", "clbp-less-flexible")
    assert code == 1
    assert "Traceback (most recent call last)" in err and "in broken_run" in err
    assert err.rstrip().splitlines()[-1].startswith("hamstring-evidence: internal error: ZeroDivisionError: planted")


def test_a_real_input_error_stays_exit_2_on_one_line(capsys):
    code, _, err = run(capsys, "analyze", "no-such-claim")
    assert code == 2 and err.count("\n") == 1 and err.startswith("hamstring-evidence: error: ")
    code, _, err = run(capsys, "--debug", "analyze", "no-such-claim")
    assert code == 2 and "Traceback" in err and err.rstrip().splitlines()[-1].startswith("hamstring-evidence: error: ")


def test_an_analysis_error_inside_a_kind_is_a_user_error(capsys, monkeypatch):
    """Data a method cannot take is the data's fault (exit 2), even when raised deep inside a kind."""
    def refuses(self, frame, spec):
        raise AnalysisError("ake_tightness: is constant, so its effect cannot be estimated")

    monkeypatch.setattr(KINDS["two_group"], "run", refuses)
    code, _, err = run(capsys, "analyze", "clbp-less-flexible")
    assert code == 2 and "error: ake_tightness: is constant" in err and "internal" not in err


#: Bug-shaped exception types: catching one of these can hide a bug, so each site is reviewed.
WATCHED = {"ValueError", "KeyError", "LookupError", "IndexError", "ArithmeticError", "ZeroDivisionError",
           "TypeError", "AttributeError", "Exception", "BaseException"}

#: Reviewed sites: (file, enclosing function, caught types) -> why the catch cannot hide a bug as a user error.
ALLOWED = {
    ("claims/cached.py", "cached_run_claim", ("Exception",)):
        "a damaged cache entry is recomputed (never trusted); the recomputation raises any bug",
    ("claims/kinds/rate_interaction.py", "RateInteractionEvidence.simulate_power",
     ("ValueError", "np.linalg.LinAlgError")):
        "statsmodels' GLM on one simulated data set; failed fits are counted ('failed') and reported with the power",
    ("cli_analyze.py", "analyze", ("ValueError",)):
        "json.loads of a cache entry and its shape check only: an entry that is not an answer is discarded (said) and "
        "the claim run again, so the run raises any bug",
    ("report/output.py", "cached_pages", ("ValueError", "UnicodeError")):
        "json.loads of a cache entry only: an entry that does not decode is discarded (said) and the pages rendered "
        "again, so the rendering raises any bug",
    ("cli_power.py", "_free_memory", ("ValueError", "OSError", "AttributeError")):
        "os.sysconf on a platform without these names; free memory is then unknown and the up-front check skipped",
    ("cli_power.py", "_free_memory", ("OSError", "ValueError", "IndexError")):
        "/proc/self/statm missing or unreadable; the process's own use is then taken as 0 (the limit still applies)",
    ("core/yamlfiles.py", "YamlLoader.construct_mapping", ("TypeError",)):
        "an unhashable key (a list as a key): the duplicate check skips it and PyYAML's constructor names it",
    ("cli.py", "main", ("Exception",)):
        "the CLI's last line: anything not a project error is shown as an internal error, exit 1",
    ("core/files.py", "_exchange", ("OSError", "AttributeError")):
        "ctypes: a C library without renameat2 has no such attribute; the caller falls back to a plain rename",
    ("core/parallel.py", "_die_with_parent", ("OSError", "AttributeError")):
        "ctypes: a C library without prctl; the parent-death signal is then not set (Linux always has it)",
    ("datasets/datapackage.py", "_refuse_foreign_descriptor", ("OSError", "ValueError")):
        "json.loads of a file on disk: a decode error means 'not ours', and the file is then refused by name",
    ("datasets/generated.py", "read_manifest", ("OSError", "ValueError")):
        "json.loads of a manifest on disk: a decode error means 'not a manifest', refused by name",
    ("datasets/generated.py", "_recognised", ("OSError", "ValueError")):
        "json.loads of a descriptor on disk: a decode error means 'not written by this tool'",
    ("datasets/loaders.py", "read_table", ("Exception",)):
        "the boundary where pandas / openpyxl / pyarrow parse a user's file: only the reader call is wrapped",
    ("stats/groups.py", "student_t", ("ZeroDivisionError", "OverflowError")):
        "the JZS Bayes factor integral underflows for very large |t| and n; the result says so",
}


def watched_handlers() -> dict[tuple[str, str, tuple[str, ...]], int]:
    """Every ``except`` in ``analysis/`` that catches a watched type (or everything) and does not re-raise:
    site -> line."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()

        def walk(node: ast.AST, where: str) -> None:
            for child in ast.iter_child_nodes(node):
                inner = where
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    inner = f"{where}.{child.name}" if where else child.name
                if isinstance(child, ast.ExceptHandler):
                    kinds = [] if child.type is None else (
                        child.type.elts if isinstance(child.type, ast.Tuple) else [child.type])
                    names = tuple(ast.unparse(k) for k in kinds) or ("(bare except)",)
                    reraises = isinstance(child.body[-1], ast.Raise) and child.body[-1].exc is None
                    if (child.type is None or WATCHED & set(names)) and not reraises:  # clean up and re-raise: loud
                        found[(rel, inner or "(module)", names)] = child.lineno
                walk(child, inner)

        walk(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def test_every_broad_except_is_reviewed():
    """No ``except KeyError`` / ``except ValueError`` (or broader) stands in for an input check unreviewed."""
    found = watched_handlers()
    new = [f"analysis/{rel}:{line} in {where}: except {', '.join(names)}"
           for (rel, where, names), line in sorted(found.items()) if (rel, where, names) not in ALLOWED]
    assert not new, ("check the input explicitly and raise InputError, or add the site to ALLOWED with the reason "
                     "it cannot hide a bug:\n" + "\n".join(new))
    stale = sorted(set(ALLOWED) - set(found))
    assert not stale, f"ALLOWED lists sites that no longer exist: {stale}"


def test_the_except_listing_finds_a_planted_site(tmp_path, monkeypatch):
    """The listing is not vacuous: a planted ``except KeyError`` in a function is found."""
    planted = tmp_path / "analysis"
    planted.mkdir()
    (planted / "bad.py").write_text("def f(frame):\n    try:\n        return frame['x']\n"
                                    "    except KeyError:\n        return None\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", planted)
    assert watched_handlers() == {("bad.py", "f", ("KeyError",)): 4}


# --- Project errors raised in a worker process (`--jobs N`) come back as themselves -------------------------------


class PlantedError(InputError):
    """A project error whose constructor takes other arguments than its base's (module level: pickle finds it)."""

    def __init__(self, path, line: int, *, hint: str = ""):
        self.line = line
        super().__init__(path, f"line {line}", f"cannot be read{hint}")


def project_error_classes() -> list[type]:
    """Every subclass of HamstringEvidenceError (and the base), walked from the base after importing each module of
    ``analysis/`` that defines a class deriving from an ``...Error``, so a class added anywhere is found."""
    import importlib

    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.ClassDef) and any(ast.unparse(b).endswith("Error") for b in node.bases)
               for node in ast.walk(tree)):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    found, todo = [], [HamstringEvidenceError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def an_instance(cls: type) -> HamstringEvidenceError:
    """An instance of ``cls`` built from its constructor's signature, a distinct string for each required argument."""
    import inspect

    if cls.__init__ is BaseException.__init__:
        return cls(f"{cls.__name__}: a message")
    args, kwargs = [], {}
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) and p.default is p.empty:
            args.append(f"<{p.name}>")
        elif p.kind == p.KEYWORD_ONLY and p.default is p.empty:
            kwargs[p.name] = f"<{p.name}>"
    return cls(*args, **kwargs)


@pytest.mark.parametrize("cls", project_error_classes(), ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_project_error_survives_pickling(cls):
    """A worker process of ``--jobs N`` sends its error back pickled: ``InputError(source, field, problem)`` did not
    unpickle (its ``__init__`` was called with the formatted message alone), which surfaced as BrokenProcessPool."""
    import copy
    import pickle

    err = an_instance(cls)
    err.add_note("a note")
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(err, protocol=protocol))
        assert type(back) is cls
        assert (str(back), back.args, vars(back)) == (str(err), err.args, vars(err))
    assert str(copy.deepcopy(err)) == str(err)


def test_the_walk_finds_every_project_error():
    """Not vacuous: the known classes, and one defined outside analysis/ with its own signature, are walked."""
    assert {InputError, AnalysisError, ReconstructionError, PlantedError} <= set(project_error_classes())
    assert str(an_instance(PlantedError)) == "<path>: line <line>: cannot be read"


@pytest.fixture
def broken_registry(isolated_data):
    """A registry of two claims whose shared study spec S2 has a negative group size: the spec is first read in the
    worker processes that run the claims."""
    for path in (isolated_data / "claims").glob("*.yaml"):
        if not path.name.startswith(("00-", "07-")):
            path.unlink()
    spec = next((isolated_data / "studies").glob("S2-*.yaml"))
    text = spec.read_text()
    assert "lbp:\n    label: Chronic LBP (group A)\n    n: {value: 30," in text
    spec.write_text(text.replace("lbp:\n    label: Chronic LBP (group A)\n    n: {value: 30,",
                                 "lbp:\n    label: Chronic LBP (group A)\n    n: {value: -3,"))
    return spec


@pytest.fixture
def two_cores(monkeypatch):
    """``--jobs 2`` means two workers even on a one-core machine (it is capped at the cores)."""
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 2)


@pytest.mark.parametrize("command", [["claims", "list"], ["report", "--out", "{tmp}/reports"]], ids=" ".join)
def test_an_input_error_in_a_worker_is_the_same_one_line_error(command, broken_registry, two_cores, tmp_path,
                                                               capsys):
    argv = [part.format(tmp=tmp_path) for part in command]
    code, out, err = run(capsys, *argv, "--jobs", "2")
    assert code == 2, err
    assert err == (f"hamstring-evidence: error: {broken_registry}: groups.lbp: n must be a whole number of at least "
                   f"2, got -3.0\n")
    assert (code, err) == run(capsys, *argv, "--jobs", "1")[::2]
    assert not (tmp_path / "reports").exists()


class UnpicklableBug(Exception):
    """A bug's exception that does not unpickle either (its constructor takes two arguments)."""

    def __init__(self, what, where):
        super().__init__(f"{what} at {where}")


@pytest.mark.parametrize("bug", [KeyError("planted"), UnpicklableBug("planted", "here")],
                         ids=lambda e: type(e).__name__)
def test_a_bug_in_a_worker_stays_an_internal_error(bug, broken_registry, two_cores, tmp_path, capsys, monkeypatch):
    import analysis.claims.cached

    def broken(*args, **kwargs):
        raise bug

    monkeypatch.setattr(analysis.claims.cached, "claim_key", broken)  # before the broken spec is read
    code, _, err = run(capsys, "report", "--out", str(tmp_path / "reports"), "--jobs", "2")
    assert code == 1, err
    assert err.count("\n") == 1 and err.startswith("hamstring-evidence: internal error: ")
    assert "error: " + str(bug) not in err and not (tmp_path / "reports").exists()
