"""The plugin process and the calls the engine makes before any resource."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml
from pulumi_speko._version import __version__
from pulumi_speko.testing.engine import UNKNOWN
from pulumi_speko.testing.plugin import PluginHost

REPO = Path(__file__).resolve().parents[2]


def test_the_console_script_prints_its_port_and_exits_cleanly() -> None:
    host = PluginHost()
    assert host.command()[0].endswith("pulumi-resource-speko")
    with host:
        assert host.port is not None and host.port > 0
        assert host.handshake().accept_secrets is True
    assert host.returncode == 0
    assert host.stdout_lines == []  # the port is the only line on stdout


def test_python_dash_m_starts_the_same_plugin(tmp_path: Path) -> None:
    with PluginHost(executable=str(tmp_path / "absent")) as host:
        assert host.command()[1:4] == ["-u", "-m", "pulumi_speko.native"]
        assert host.get_schema()["name"] == "speko"


def test_get_schema_is_the_committed_schema_json(bare_plugin: PluginHost) -> None:
    served = bare_plugin.get_schema()
    assert served == json.loads((REPO / "schema.json").read_text(encoding="utf-8"))
    assert served["version"] == __version__


def test_check_config_accepts_good_settings_and_unknowns(bare_plugin: PluginHost) -> None:
    result = bare_plugin.check_config(
        {"baseUrl": "https://api.speko.dev", "timeout": 10.0, "organizationId": UNKNOWN}
    )
    assert result.failures == []
    assert result.inputs["timeout"] == 10.0


def test_check_config_names_each_setting_at_fault_once(bare_plugin: PluginHost) -> None:
    result = bare_plugin.check_config(
        {"apiKey": "Bearer sk_live_x", "baseUrl": "ftp://speko", "timeout": -1.0}
    )
    by_property = dict(result.failures)
    assert sorted(by_property) == ["apiKey", "baseUrl", "timeout"]
    assert "speko:baseUrl / SPEKO_BASE_URL" in by_property["baseUrl"]
    assert all("\n" not in reason for reason in by_property.values())
    assert "sk_live_x" not in json.dumps(result.failures)


def test_diff_config_reports_a_changed_setting(bare_plugin: PluginHost) -> None:
    same = bare_plugin.diff_config(
        {"baseUrl": "https://a.example"}, {"baseUrl": "https://a.example"}
    )
    assert same.changes is False
    changed = bare_plugin.diff_config(
        {"baseUrl": "https://a.example"}, {"baseUrl": "https://b.example"}
    )
    assert changed.changes is True and changed.replaces == []
    assert list(changed.raw.diffs) == ["baseUrl"]


def test_configure_accepts_secrets_and_previews(bare_plugin: PluginHost) -> None:
    bare_plugin.configure(
        {"apiKey": "sk_test_x", "baseUrl": "http://127.0.0.1:9"}, secret_keys=["apiKey"]
    )
    assert bare_plugin.accept_secrets is True
    assert bare_plugin.supports_preview is True


def test_the_plugin_folder_runs_the_same_plugin() -> None:
    folder = REPO / "plugin"
    manifest = yaml.safe_load((folder / "PulumiPlugin.yaml").read_text(encoding="utf-8"))
    assert manifest["name"] == "speko"
    assert manifest["runtime"]["name"] == "python"
    # What the Python language host does with a plugin folder: run it with Python.
    with PluginHost(command_line=[sys.executable, "-u", str(folder), "127.0.0.1:0"]) as host:
        assert host.get_schema()["name"] == "speko"
    assert host.returncode == 0
