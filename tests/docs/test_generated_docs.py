"""The generated parts of docs/ match the code (`pulumi-speko docs --check`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pulumi_speko.cli import main
from pulumi_speko.docs_command import REVIEW_SAMPLE_PREVIEW, generated_parts
from pulumi_speko.policy import RULES

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_docs_are_what_the_code_generates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["docs", "--check", "--root", str(ROOT)])
    assert (status, capsys.readouterr().err) == (0, "")


@pytest.fixture
def docs_copy(tmp_path: Path) -> Path:
    for path in [part.path for part in generated_parts()] + [REVIEW_SAMPLE_PREVIEW]:
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / path, target)
    return tmp_path


def test_a_stale_table_fails_the_check_with_one_line_and_is_regenerated(
    docs_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = docs_copy / "docs/policy-pack.md"
    page.write_text(page.read_text().replace(RULES[0].name, "speko-renamed"))
    assert main(["docs", "--check", "--root", str(docs_copy)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("docs/policy-pack.md differs from what the code generates (first at")
    assert err.count("\n") == 1
    assert main(["docs", "--root", str(docs_copy)]) == 0
    assert main(["docs", "--check", "--root", str(docs_copy)]) == 0
    assert f"`{RULES[0].name}`" in page.read_text()


def test_missing_markers_are_an_error_not_a_rewrite(
    docs_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = docs_copy / "docs/policy-pack.md"
    page.write_text("# The policy pack\n")
    assert main(["docs", "--root", str(docs_copy)]) == 1
    assert "the markers <!-- generated:rules -->" in capsys.readouterr().err
    assert page.read_text() == "# The policy pack\n"


def test_every_rule_appears_in_the_table_with_its_level_and_config() -> None:
    table = (ROOT / "docs/policy-pack.md").read_text()
    for rule in RULES:
        row = next(line for line in table.splitlines() if line.startswith(f"| `{rule.name}` |"))
        assert f"| {rule.level.value}" in row
        for key in rule.config:
            assert f"`{key}`" in row


def test_each_resource_page_lists_every_input_and_output_of_the_schema() -> None:
    from pulumi_speko.schema.generate import generate_schema
    from pulumi_speko.schema.pages import page_path

    schema = generate_schema()
    for token, resource in schema["resources"].items():
        page = (ROOT / page_path(token)).read_text()
        for name in [*resource["inputProperties"], *resource["properties"]]:
            assert f"| `{name}`" in page, (token, name)


@pytest.mark.parametrize(
    ("schema_name", "python"),
    [("agentId", "agent_id"), ("setupStatus", "setup_status"), ("e164", "e164"),
     ("sms10dlcProfileId", "sms10dlc_profile_id"), ("agent_id", "agent_id")],
)
def test_camel_case_schema_names_show_their_python_name(schema_name: str, python: str) -> None:
    from pulumi_speko.families import snake_name

    assert snake_name(schema_name) == python
