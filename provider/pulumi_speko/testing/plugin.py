"""Drive the ``speko`` provider plugin over gRPC, the way the Pulumi engine does.

:class:`PluginHost` starts ``pulumi-resource-speko`` (or ``python -m
pulumi_speko.native``) as a subprocess, reads its port and makes the engine's calls.
It is :class:`~pulumi_speko.testing.engine.EngineHost` with the calls only a real
provider plugin answers (GetSchema, CheckConfig, DiffConfig, Invoke, Handshake) and a
``Configure`` that sends provider inputs (camelCase) as the engine does for a plugin.
Property bags are camelCase; secrets travel wrapped, since the plugin accepts them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from pulumi_speko.testing.engine import (
    UNKNOWN,
    CheckResult,
    DiffResult,
    EngineHost,
    _from_struct,
)

__all__ = ["UNKNOWN", "PluginHost", "detailed_kinds"]

PLUGIN_COMMAND = "pulumi-resource-speko"


def detailed_kinds(diff: DiffResult) -> dict[str, str]:
    """The detailed diff of a Diff answer, as ``{property: kind name}`` (``UPDATE``...)."""
    names = provider_pb2.PropertyDiff.Kind.Name
    return {name: names(item.kind) for name, item in diff.raw.detailedDiff.items()}


class PluginHost(EngineHost):
    """The ``speko`` plugin in a subprocess, driven over gRPC like the engine does.

    ``executable`` is the console script to run; by default the one installed beside
    this interpreter, else ``python -m pulumi_speko.native``.
    """

    unconfigured_calls = frozenset(
        {"GetSchema", "CheckConfig", "DiffConfig", "GetPluginInfo", "Handshake"}
    )

    def __init__(
        self,
        *,
        executable: str | None = None,
        command_line: list[str] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.executable = executable
        self.command_line = command_line
        """A whole command line instead (e.g. ``python -u plugin/`` for the folder form)."""
        self.supports_preview: bool | None = None
        """What the plugin answered to ``Configure`` (``None`` before it)."""

    def command(self) -> list[str]:
        """The console script (with a placeholder engine address), or the module."""
        if self.command_line is not None:
            return list(self.command_line)
        script = self.executable or os.path.join(os.path.dirname(self.python), PLUGIN_COMMAND)
        if os.path.exists(script):
            return [script, "127.0.0.1:0"]
        return [self.python, "-u", "-m", "pulumi_speko.native", "127.0.0.1:0"]

    # -- calls only a plugin answers ------------------------------------------------

    def handshake(self) -> provider_pb2.ProviderHandshakeResponse:
        """``Handshake``, as newer engines send before anything else."""
        request = provider_pb2.ProviderHandshakeRequest(engine_address="127.0.0.1:0")
        response: provider_pb2.ProviderHandshakeResponse = self._call("Handshake", request)
        return response

    def get_schema(self) -> dict[str, Any]:
        """``GetSchema``, parsed."""
        response = self._call("GetSchema", provider_pb2.GetSchemaRequest(version=0))
        schema: dict[str, Any] = json.loads(response.schema)
        return schema

    def check_config(
        self, news: Mapping[str, Any], *, olds: Mapping[str, Any] | None = None
    ) -> CheckResult:
        """``CheckConfig`` of the provider inputs (camelCase: ``apiKey``, ``baseUrl``...)."""
        request = provider_pb2.CheckRequest(
            urn=self.urn("pulumi:providers:speko", "default"),
            olds=self._struct(olds or {}, strip_secrets=False),
            news=self._struct(news, strip_secrets=False),
        )
        response = self._call("CheckConfig", request)
        failures = [(f.property, f.reason) for f in response.failures]
        return CheckResult(inputs=_from_struct(response.inputs), failures=failures)

    def diff_config(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffResult:
        """``DiffConfig`` between two sets of provider inputs."""
        request = provider_pb2.DiffRequest(
            urn=self.urn("pulumi:providers:speko", "default"),
            olds=self._struct(olds, strip_secrets=False),
            news=self._struct(news, strip_secrets=False),
        )
        response = self._call("DiffConfig", request)
        changes = response.changes == provider_pb2.DiffResponse.DIFF_SOME
        return DiffResult(changes, list(response.replaces), response.deleteBeforeReplace, response)

    def configure(self, config: Mapping[str, str], *, secret_keys: Iterable[str] = ()) -> None:
        """``Configure`` with provider inputs (camelCase keys), secrets wrapped; the engine
        also sends them as ``variables`` keyed ``speko:config:<name>``."""
        secrets = set(secret_keys)
        args = {k: rpc.wrap_rpc_secret(v) if k in secrets else v for k, v in config.items()}
        request = provider_pb2.ConfigureRequest(
            variables={f"speko:config:{k}": str(v) for k, v in config.items()},
            args=self._struct(args, strip_secrets=False),
            acceptSecrets=True,
            acceptResources=True,
        )
        response = self._call("Configure", request)
        self.accept_secrets = response.acceptSecrets
        self.supports_preview = response.supportsPreview

    def invoke(self, token: str, args: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``Invoke`` a function; returns its result object."""
        request = provider_pb2.InvokeRequest(tok=token, args=self._bag(args or {}))
        response = self._call("Invoke", request)
        failures = [(f.property, f.reason) for f in response.failures]
        if failures:
            raise AssertionError(f"invoke {token} failed checks: {failures}")
        return _from_struct(getattr(response, "return"))

    def raw_outputs(self) -> dict[str, Any]:
        """The properties of the last response as sent, secrets still wrapped."""
        response = self.responses[-1]
        bag = rpc.deserialize_properties(response.properties, keep_unknowns=True)
        return dict(bag or {})

