"""An analyzer served as the engine sees it, and a client that calls it as the engine does.

``PolicyPack(...)`` builds pulumi-policy's ``_PolicyAnalyzerServicer``, registers it on
a gRPC server on a loopback port and blocks forever. The ``analyzer`` fixture builds the
same servicer with the same arguments and serves it on a loopback port without
blocking; :class:`EngineClient` then calls ``GetAnalyzerInfo``, ``Configure``,
``Analyze`` and ``AnalyzeStack`` over gRPC with the protobuf requests the engine builds
(``sdk/go/common/resource/plugin/analyzer_plugin.go``):

- properties are marshalled with ``KeepUnknowns``, ``KeepSecrets`` and
  ``SkipInternalKeys``: an unknown is its sentinel string (``pulumi_policy.proxy``'s
  ``UNKNOWN_*_VALUE``), a secret is ``{"4dabf…": "1b470…", "value": …}`` (write it as
  ``pulumi_policy.Secret(value)``), and top-level ``__`` keys such as ``__provider`` are
  dropped (``include_internal_keys=True`` keeps them, to show the rules ignore them);
- ``Analyze`` gets a resource's inputs; ``AnalyzeStack`` every resource's outputs;
- ``Configure`` carries, per policy, an enforcement level and the config properties.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping, Sequence
from concurrent import futures
from typing import Any

import dill
import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel, Secret
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_speko.policy import POLICIES

SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
PROJECT, STACK = "phones", "dev"
PROVIDER_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:pulumi-python::default"
PROVIDER_ID = "0b7c7a2e-3c5f-4a7e-9d0e-6f3c1f1b2a44"

_LEVELS = {
    "advisory": proto.ADVISORY,
    "mandatory": proto.MANDATORY,
    "disabled": proto.DISABLED,
    "remediate": proto.REMEDIATE,
}


class _PickledProvider:
    """Stands in for a speko provider class: dill pickles it by reference, as in state."""


def serialized_provider() -> str:
    """A ``__provider`` value shaped like the SDK's (base64 of a dill pickle)."""
    return base64.b64encode(dill.dumps(_PickledProvider(), protocol=5, recurse=True)).decode()


def _marshal(value: Any) -> Any:
    if isinstance(value, Secret):
        return {SIG_KEY: SECRET_SIG, "value": _marshal(value.value)}
    if isinstance(value, Mapping):
        return {str(key): _marshal(child) for key, child in value.items()}
    if isinstance(value, (list, tuple)):
        return [_marshal(child) for child in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)  # protobuf Struct numbers are doubles
    raise TypeError(f"cannot marshal {value!r}")


def engine_struct(
    props: Mapping[str, Any], include_internal_keys: bool = False
) -> struct_pb2.Struct:
    """``props`` marshalled as the engine marshals them for an analyzer."""
    struct = struct_pb2.Struct()
    struct.update(
        {
            key: _marshal(value)
            for key, value in props.items()
            if include_internal_keys or not key.startswith("__")
        }
    )
    return struct


def urn_of(type_token: str, name: str) -> str:
    """The URN a top-level resource of the test stack gets."""
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_token}::{name}"


class EngineClient:
    """Calls a served analyzer with requests built like the engine's."""

    def __init__(self, stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
        self.stub = stub

    def info(self) -> Any:
        """``GetAnalyzerInfo``."""
        return self.stub.GetAnalyzerInfo(empty_pb2.Empty())

    def configure(self, config: Mapping[str, Mapping[str, Any]]) -> None:
        """``Configure``: per policy name, its properties and optional ``enforcementLevel``.

        Like the engine, a policy's level defaults to the one the pack declares.
        """
        defaults = {p.name: p.enforcementLevel for p in self.info().policies}
        request = proto.ConfigureAnalyzerRequest()
        for name, values in config.items():
            properties = {k: v for k, v in values.items() if k != "enforcementLevel"}
            level = values.get("enforcementLevel")
            entry = request.policyConfig[name]
            entry.enforcementLevel = _LEVELS[level] if level else defaults[name]
            entry.properties.update(_marshal(properties))
        self.stub.Configure(request)

    def resource(
        self, type_token: str, name: str, props: Mapping[str, Any], **options: bool
    ) -> Any:
        """An ``AnalyzerResource`` for ``AnalyzeStack`` (``props`` are its outputs;
        ``options`` as :func:`resource_fields` takes them)."""
        return proto.AnalyzerResource(
            **resource_fields(type_token, name, props, **options),
            parent=f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}",
        )

    def analyze(
        self, type_token: str, name: str, props: Mapping[str, Any], **options: bool
    ) -> list[Any]:
        """``Analyze`` one resource (``props`` are its inputs; ``options`` as
        :func:`resource_fields` takes them); the diagnostics."""
        request = proto.AnalyzeRequest(**resource_fields(type_token, name, props, **options))
        return list(self.stub.Analyze(request).diagnostics)

    def analyze_stack(self, resources: Sequence[Any]) -> list[Any]:
        """``AnalyzeStack`` over resources made by :meth:`resource`; the diagnostics."""
        request = proto.AnalyzeStackRequest(resources=list(resources))
        return list(self.stub.AnalyzeStack(request).diagnostics)


def resource_fields(
    type_token: str,
    name: str,
    props: Mapping[str, Any],
    protect: bool = False,
    include_internal_keys: bool = False,
) -> dict[str, Any]:
    """What ``Analyze`` and ``AnalyzeStack`` both say of a resource, as the engine sends it."""
    return {
        "type": type_token,
        "name": name,
        "urn": urn_of(type_token, name),
        "properties": engine_struct(
            {"__provider": Secret(serialized_provider()), **props}, include_internal_keys
        ),
        "options": proto.AnalyzerResourceOptions(protect=protect),
        "provider": _provider_resource(),
    }


def _provider_resource() -> Any:
    return proto.AnalyzerProviderResource(
        type="pulumi:providers:pulumi-python",
        name="default",
        urn=PROVIDER_URN,
        properties=struct_pb2.Struct(),
    )


@pytest.fixture
def analyzer() -> Iterator[EngineClient]:
    """A freshly configured analyzer for the speko pack, served on a loopback port."""
    # The arguments PolicyPack(name="speko", policies=POLICIES) passes to the servicer.
    servicer = _PolicyAnalyzerServicer("speko", "0.0.1", POLICIES, EnforcementLevel.ADVISORY)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    analyzer_pb2_grpc.add_AnalyzerServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield EngineClient(analyzer_pb2_grpc.AnalyzerStub(channel))
    finally:
        channel.close()
        server.stop(None)
