"""The engine protocol's own cost: one gRPC round trip to a provider host doing no work.

``GetPluginInfo`` reaches the SDK's host and returns a constant without touching the
provider, so its round trip is the least any engine call can cost on this machine;
every Create, Read, Update or Delete pays it on top of the API call.
"""

from __future__ import annotations

import time
from typing import Final

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2_grpc
from pulumi_speko.testing.engine import EngineHost

DEFAULT_CALLS: Final = 500
CALL_TIMEOUT_SECONDS: Final = 30.0


def grpc_round_trip(calls: int = DEFAULT_CALLS) -> float:
    """Mean seconds of a ``GetPluginInfo`` round trip from one thread to a fresh host."""
    with EngineHost() as host:
        channel = grpc.insecure_channel(f"127.0.0.1:{host.port}")
        try:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            request = empty_pb2.Empty()
            stub.GetPluginInfo(request, timeout=CALL_TIMEOUT_SECONDS)  # connect first
            began = time.perf_counter()
            for _ in range(calls):
                stub.GetPluginInfo(request, timeout=CALL_TIMEOUT_SECONDS)
            return (time.perf_counter() - began) / calls
        finally:
            channel.close()
