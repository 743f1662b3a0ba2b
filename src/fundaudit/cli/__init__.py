"""The command line: a thin layer over load → rules → findings → report.

One module per command (or pair of related commands); this file is the one explicit registry.
Exit codes: 0 every relation holds (or is within rounding); 1 a mismatch (or a check that
could not run); 2 invalid input or usage.
"""

import codecs
import contextlib
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO, cast

from fundaudit.gcpause import paused

# Importing typer and the commands builds tens of thousands of long-lived objects, none garbage:
# the collector is off meanwhile, and they are then frozen (moved out of its sight), so that no
# later pass walks them again. A check of the real data runs 2 % fewer instructions (callgrind).
with paused():
    import typer

    from fundaudit.cli import baseline, catalogue, causes, check, diff, draft, explain, export, fmt, report, sources
    from fundaudit.i18n import N_, _
gc.freeze()

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=N_("Audit government budget documents: footing, cross-footing and rounding-aware verdicts."),
    pretty_exceptions_enable=False,
)

# name → function, in the order `fundaudit --help` lists them
COMMANDS = (
    ("check", check.check),
    ("explain", explain.explain),
    ("baseline", baseline.baseline_cmd),
    ("diff", diff.diff),
    ("report", report.report),
    ("fmt", fmt.fmt_cmd),
    ("verify-sources", sources.verify_sources),
    ("coverage", sources.coverage_cmd),
    ("schema", catalogue.schema),
    ("rules", catalogue.rules),
    ("causes", causes.causes),
    ("export", export.export_cmd),
    ("draft", draft.draft_cmd),
)
for _name, _function in COMMANDS:
    app.command(_name)(_function)

_ENGLISH: dict[int, str] = {}  # each help text as written (the message id), by its holder


def _localise_help(argv: list[str]) -> None:
    """Command and option help in the language of the command line: typer reads them when it runs.

    The help texts are written in English (marked ``N_``); ``--lang`` is read from ``argv`` here,
    before the command runs (a bad value is left for the command to refuse).
    """
    import inspect

    from fundaudit.i18n import LanguageError, set_language

    given = [a.split("=", 1)[1] for a in argv if a.startswith("--lang=")]
    given += [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--lang"]
    try:
        set_language(given[-1] if given else None)
    except LanguageError:
        set_language(None)
    holders: list[Any] = [app.info]
    for command in app.registered_commands:
        if command.callback is None:
            continue
        holders.append(command)
        _ENGLISH.setdefault(id(command), inspect.getdoc(command.callback) or "")
        for param in inspect.signature(command.callback).parameters.values():
            holders += [m for m in getattr(param.annotation, "__metadata__", ()) if hasattr(m, "help")]
    for holder in holders:
        english = _ENGLISH.setdefault(id(holder), holder.help or "")
        holder.help = _(english) if english else None


class _Watched:
    """stdout, noting whether anything was written (for the machine formats' error document)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.written = False

    def write(self, text: str) -> int:
        self.written = self.written or bool(text)
        try:
            return self.stream.write(text)
        except OSError as exc:  # a full disk, a closed pipe: not a traceback (see run)
            raise _StdoutError(exc) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as exc:
            raise _StdoutError(exc) from None

    def write_bytes(self, data: bytes) -> None:
        """Write text already encoded in the stream's encoding, after what it holds (loader.fast's findings)."""
        self.written = self.written or bool(data)
        try:
            self.stream.flush()
            self.stream.buffer.write(data)
        except OSError as exc:
            raise _StdoutError(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class _Absent:
    """A standard stream the command was started without (``>&-``, ``2>&-``): it holds no
    terminal and takes UTF-8; what is written to it is dropped (see :class:`_Closed`)."""

    encoding = "utf-8"
    errors = "backslashreplace"

    def write(self, data: str) -> int:
        return len(data)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _Closed(_Absent):
    """Standard output when the command was started without one (``fundaudit check >&-``):
    writing to it fails as writing to a closed descriptor does (exit 2, the reason on stderr)."""

    def __init__(self) -> None:
        self.buffer = self

    def write(self, data: str | bytes) -> int:
        if data:
            import errno

            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return 0


class _Discarded(_Absent):
    """Standard error when the command was started without one (``2>&-``): what it would say is
    dropped, not written into standard output (where ``print(file=None)`` would put it, inside
    a JSON document)."""


class _StdoutError(Exception):
    """Standard output could not be written (``cause``: the system's error)."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(cause)
        self.cause = cause


def _stdout_failed(exc: _StdoutError) -> int:
    """The exit code when stdout cannot be written: 141 (as SIGPIPE would) and nothing said
    when its reader has gone (``fundaudit check | head``); otherwise 2 and the reason on stderr.

    Standard output is pointed at the null device, so that what is still buffered for it is
    dropped instead of failing again when the interpreter exits."""
    import errno

    from fundaudit.errors import os_reason

    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.__stdout__.fileno() if sys.__stdout__ is not None else 1)
        os.close(null)
    except (OSError, ValueError):
        pass
    if exc.cause.errno == errno.EPIPE:
        return 128 + 13
    print(_("error: standard output: {reason}").format(reason=os_reason(exc.cause)), file=sys.stderr)
    return 2


_ERROR_DOCUMENTS = ("json", "sarif", "junit", "github")  # the machine formats with an error document
_UTF8_FORMATS = (*_ERROR_DOCUMENTS, "jsonl")


def _machine_format(argv: list[str], formats: tuple[str, ...] = _ERROR_DOCUMENTS) -> str | None:
    """The machine format a command line asks for (one of ``formats``), if any."""
    if not argv or argv[0] not in ("check", "diff", "verify-sources", "coverage"):
        return None
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--format=") else None
        if arg in ("--format", "-f") and i + 1 < len(argv):
            value = argv[i + 1]
        if value in formats:
            return value
    return None


def _encode_stdout(stream: TextIO, machine: bool) -> Callable[[], None]:
    """Standard output in the encoding its readers need, whatever the locale; returns what puts
    it back as it was.

    A machine format and ``schema``'s JSON Schema are written in UTF-8 (JSON and SARIF must be;
    the JUnit XML says it is; a GBK or Latin-1 locale made documents that lied); the text for people in the locale's own
    encoding. A character the encoding cannot hold (Chinese text on an ASCII or Latin-1
    terminal, a file name's undecodable byte) is written as its ``\\uXXXX`` escape, as Python
    writes standard error, never a traceback: inside a JSON string that is the character's own
    escape."""
    reconfigure = getattr(stream, "reconfigure", None)
    encoding, errors = getattr(stream, "encoding", None), getattr(stream, "errors", None)
    if reconfigure is None or not isinstance(encoding, str) or not isinstance(errors, str):
        return lambda: None
    wanted = "utf-8" if machine else encoding
    try:
        if codecs.lookup(wanted).name == codecs.lookup(encoding).name and errors == "backslashreplace":
            return lambda: None
        reconfigure(encoding=wanted, errors="backslashreplace")
    except (LookupError, ValueError, OSError):  # an unknown codec, a stream already read from
        return lambda: None

    def back() -> None:
        with contextlib.suppress(ValueError, OSError):
            reconfigure(encoding=encoding, errors=errors)

    return back


def _sane_columns() -> Callable[[], None]:
    """``$COLUMNS`` left out while the command runs when it is no width (rich lays out the help
    and the progress bar in it: 99999999999999999999 was an OverflowError traceback); returns
    what puts it back."""
    text = os.environ.get("COLUMNS")
    if text is None or (text.isdigit() and len(text) <= 6 and int(text) > 0):
        return lambda: None
    del os.environ["COLUMNS"]

    def back() -> None:
        os.environ["COLUMNS"] = text

    return back


def _empty_argument(argv: list[str]) -> str | None:
    """What to say of the first empty value on the command line (``--out ""``, ``--out=``, a
    positional ``""``); ``None`` when there is none. No command takes an empty value: every one
    is a path, a choice or a name, and an empty path is the working folder to pathlib (the
    reports of ``report --out ""`` were written over whatever audit.md the folder held)."""
    for i, arg in enumerate(argv):
        if arg.startswith("--") and arg.endswith("=") and len(arg) > 3:
            return _("error: {option} is given an empty value (an unset shell variable?)").format(option=arg[:-1])
        if arg == "":
            before = argv[i - 1] if i else ""
            if before.startswith("-") and before != "--":
                return _("error: argument {n}, after {option}, is empty (an unset shell variable?)").format(
                    n=i + 1, option=before
                )
            return _("error: argument {n} is empty (an unset shell variable?)").format(n=i + 1)
    return None


def run(argv: list[str]) -> int:
    """Run one command line; return its exit code (what ``main`` exits with).

    Every way a command can end maps to the documented codes: 0/1 as the command decides,
    2 for usage and invalid data, and for an output that cannot be written (``path: what
    went wrong`` on stderr; standard output too, see :func:`_stdout_failed`); 130 on Ctrl-C
    and 128+N on SIGTERM/SIGHUP, after the temporaries of any file being written were removed.
    When a machine format was asked for and a usage error left stdout empty, the format's
    error document is written.
    """
    from fundaudit.outputs import Terminated, swallowed, terminate_as_exception

    stream: TextIO = sys.stdout if sys.stdout is not None else cast(TextIO, _Closed())  # started without one
    columns = _sane_columns()
    no_stderr = sys.stderr is None
    if no_stderr:
        sys.stderr = cast(TextIO, _Discarded())
    machine = _machine_format(argv, _UTF8_FORMATS) is not None or argv[:1] == ["schema"]
    encoded = _encode_stdout(stream, machine)
    watched = _Watched(stream)
    sys.stdout = watched
    restore = terminate_as_exception()
    if signal.getsignal(signal.SIGINT) == signal.SIG_DFL and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)  # held while starting (fundaudit/__init__.py)
    try:  # from here to the end, SIGTERM or SIGHUP at any moment ends the command as documented
        code = _run(argv)
        watched.flush()
        signum = swallowed()
        if signum is not None:  # its exception was lost in C code: the command ran on to the end
            raise Terminated(signum)
    except _StdoutError as exc:
        return _stdout_failed(exc)
    except (Terminated, Exception) as exc:
        # an Exception with a signal raised since the start: its exception, wrapped where Python
        # wraps what is raised in another (a class statement's __set_name__: RuntimeError)
        signum = exc.signum if isinstance(exc, Terminated) else swallowed()
        if signum is None:
            raise
        print(_("terminated"), file=sys.stderr)
        return 128 + signum
    finally:
        sys.stdout = watched.stream
        restore()  # a signal after this ends the process the system's way: nothing is left to clean up
        encoded()
        if no_stderr:
            sys.stderr = None
        columns()
    fmt = _machine_format(argv)
    if code == 2 and fmt is not None and not watched.written and "--help" not in argv:
        from fundaudit.report import failure

        problem = failure.Problem("fundaudit", 0, _("the command line is not valid (the reason is on stderr)"))
        sys.stdout.write(failure.render(fmt, [problem], ""))
    return code


def _run(argv: list[str]) -> int:
    from fundaudit.i18n import LanguageError, language
    from fundaudit.outputs import OutputError

    try:
        language()  # a bad $FUNDAUDIT_LANG is a usage error before anything runs
    except LanguageError as exc:
        print(f"error: FUNDAUDIT_LANG: {exc}", file=sys.stderr)  # no language to say it in
        return 2

    try:
        os.getcwd()
    except OSError as exc:  # deleted while the shell was in it: every relative path would fail
        from fundaudit.errors import os_reason

        print(
            _("error: the working folder cannot be read ({reason}): change into a folder that exists").format(
                reason=os_reason(exc)
            ),
            file=sys.stderr,
        )
        return 2
    if any("\0" in arg for arg in argv):  # no real command line holds one; Python's path calls refuse it
        print(_("error: an argument holds a NUL character"), file=sys.stderr)
        return 2
    empty = _empty_argument(argv)
    if empty is not None:  # `--out "$DIR"` with DIR unset: "" is the working folder to pathlib
        print(empty, file=sys.stderr)
        return 2
    _localise_help(argv)
    try:
        app(args=argv, prog_name="fundaudit")
    except SystemExit as exc:  # typer exits with the command's code (usage errors: 2, Ctrl-C: 130)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except OutputError as exc:
        from fundaudit.report.escape import text

        print(text(str(exc)), file=sys.stderr)
        return 2
    return 0


def main() -> None:
    sys.exit(run(sys.argv[1:]))
