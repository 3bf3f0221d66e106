"""Every code block of the docs is checked: Python compiles, each `pulumi-speko` command
line parses with the real argument parser, and a block that runs the Pulumi CLI says so
(`# requires the Pulumi CLI`), since the machines that build this project cannot run it.

Commands are checked for their shape, not run: what they do is proven by the tests of
each command (tests/audit, tests/review, tests/runner, tests/sandbox, tests/docs).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi_speko.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
CLI_MARKER = "# requires the Pulumi CLI"
PAGES = sorted(
    [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").rglob("*.md")],
)
FENCE = re.compile(r"^(`{3,})(\w*)[^\n]*\n(.*?)^\1\s*$", re.MULTILINE | re.DOTALL)
SHELLS = {"sh", "bash", "shell", "console"}


def code_blocks() -> Iterator[tuple[str, str, str]]:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text[: match.start()].count("\n") + 1
            yield f"{page.relative_to(ROOT)}:{line}", match.group(2), match.group(3)


BLOCKS = list(code_blocks())


def command_lines(block: str, console: bool) -> Iterator[str]:
    """The commands of a shell block: continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", block)
    for raw in joined.splitlines():
        line = raw.strip()
        if console:
            if not line.startswith("$ "):
                continue
            line = line[2:]
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            yield line


def invocations(line: str, program: str) -> Iterator[list[str]]:
    """Each call of ``program`` in a shell line (after pipes, `&&`, env assignments)."""
    for part in re.split(r"\|\||&&|\||;", line):
        part = re.sub(r"(?:^|\s)\d?[<>]+\s*\S+", " ", part.replace("&", " "))  # redirections
        words = shlex.split(part, comments=True)
        while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
            words = words[1:]
        if words and words[0] == program:
            yield words[1:]


def test_the_docs_have_code_blocks() -> None:
    assert len(BLOCKS) > 30


@pytest.mark.parametrize(
    ("where", "source"),
    [(where, source) for where, lang, source in BLOCKS if lang == "python"],
)
def test_python_blocks_compile(where: str, source: str) -> None:
    compile(source, where, "exec")


SHELL_BLOCKS = [(where, lang, source) for where, lang, source in BLOCKS if lang in SHELLS]


@pytest.mark.parametrize(("where", "lang", "source"), SHELL_BLOCKS)
def test_shell_blocks_that_run_pulumi_say_they_need_its_cli(
    where: str, lang: str, source: str
) -> None:
    runs_pulumi = any(
        list(invocations(line, "pulumi")) for line in command_lines(source, lang == "console")
    )
    assert not runs_pulumi or CLI_MARKER in source, f"{where}: mark it '{CLI_MARKER}'"


@pytest.mark.parametrize(("where", "lang", "source"), SHELL_BLOCKS)
def test_pulumi_speko_command_lines_parse(where: str, lang: str, source: str) -> None:
    parser = build_parser()
    for line in command_lines(source, lang == "console"):
        for arguments in invocations(concrete(line), "pulumi-speko"):
            try:
                parser.parse_args(arguments)
            except SystemExit as exit_:
                shown = " ".join(arguments)
                pytest.fail(f"{where}: `pulumi-speko {shown}` does not parse ({exit_})")


def concrete(line: str) -> str:
    """A synopsis line (`[--flag A|B]`, `FILE`, `...`) made concrete: optional parts
    dropped, placeholders given a value."""
    while re.search(r"\[[^\[\]]*\]", line):
        line = re.sub(r"\[[^\[\]]*\]", "", line)
    line = line.replace(" ...", " ")
    return re.sub(r"(?<![\w=-])[A-Z][A-Z_]*(?:\.json)?(?![\w=])", "x.json", line)


def test_the_checks_catch_a_wrong_flag_and_an_unmarked_pulumi_call() -> None:
    line = concrete("pulumi-speko drift STACK_EXPORT.json [--format text|json] --bogus")
    (arguments,) = invocations(line, "pulumi-speko")
    assert arguments == ["drift", "x.json", "--bogus"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(arguments)
    assert list(invocations("pulumi stack export > dev.json", "pulumi")) == [["stack", "export"]]
