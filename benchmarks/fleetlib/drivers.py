"""Two ways of calling a running provider host, behind one interface.

The Pulumi engine is a Go program: it encodes a resource's properties into protobuf on
its own cores, while the provider host works. :class:`WireDriver` does the same: every
request is encoded before the clock starts and every response decoded after it stops,
so the timed window holds the gRPC call and the host's work (the SDK's servicer and the
provider), nothing of the benchmark's own Python. :class:`HarnessDriver` goes through
:class:`~pulumi_speko.testing.engine.EngineHost`'s methods instead, which encode inside
each call on one shared event loop (the test suite's way); it shows how much a Python
stand-in for the engine adds.

Each method returns a :class:`Pending`: ``call()`` is what is timed, ``decode`` turns
its answer into plain values afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Generic, Protocol, TypeVar

import grpc
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc
from pulumi_speko.testing import requests
from pulumi_speko.testing.engine import EngineHost

T = TypeVar("T")
Bag = dict[str, Any]
CALL_TIMEOUT_SECONDS: Final = 120.0


@dataclass(frozen=True)
class Pending(Generic[T]):
    """One engine call, ready to be made: ``decode(call())`` is its plain result."""

    call: Callable[[], Any]
    decode: Callable[[Any], T]


@dataclass(frozen=True)
class Checked:
    """Check's answer: the checked inputs (``raw`` as the host sent them) and failures."""

    inputs: Bag
    failures: list[tuple[str, str]]
    raw: Any = None


class Driver(Protocol):
    """The engine calls the fleet benchmark makes on one provider host."""

    def check(self, name: str, olds: Bag, news: Bag) -> Pending[Checked]:
        """``Check``; ``olds`` are ``{}`` for a new resource."""
        ...

    def create(self, name: str, inputs: Checked) -> Pending[tuple[str, Bag]]:
        """``Create`` from checked inputs: the id and the outputs."""
        ...

    def read(self, name: str, id_: str, outputs: Bag, inputs: Bag) -> Pending[tuple[str, Bag]]:
        """``Read`` (refresh): the id (``""`` when gone) and the outputs."""
        ...

    def diff(
        self, name: str, id_: str, outputs: Bag, news: Checked, old_inputs: Bag
    ) -> Pending[bool]:
        """``Diff``: whether anything changes."""
        ...

    def update(
        self, name: str, id_: str, outputs: Bag, news: Checked, old_inputs: Bag
    ) -> Pending[Bag]:
        """``Update``: the new outputs."""
        ...

    def delete(self, name: str, id_: str, outputs: Bag, old_inputs: Bag) -> Pending[None]:
        """``Delete``."""
        ...

    def close(self) -> None:
        """Release what the driver holds (not the host)."""
        ...


class WireDriver:
    """Prebuilt protobuf requests sent on a channel of its own to the host's port."""

    def __init__(self, host: EngineHost, type_token: str) -> None:
        if host.port is None:
            raise RuntimeError("start the host first")
        self.host = host
        self.type_token = type_token
        self._loop = asyncio.new_event_loop()
        self._channel = grpc.insecure_channel(f"127.0.0.1:{host.port}")
        grpc.channel_ready_future(self._channel).result(timeout=CALL_TIMEOUT_SECONDS)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)

    def close(self) -> None:
        """Close the channel and the encoding loop."""
        self._channel.close()
        self._loop.close()

    def check(self, name: str, olds: Bag, news: Bag) -> Pending[Checked]:
        """``Check`` (see :class:`Driver`)."""
        request = requests.check(self._target(name), self._encode(olds), self._encode(news))
        return Pending(self._sender("Check", request), _decode_check)

    def create(self, name: str, inputs: Checked) -> Pending[tuple[str, Bag]]:
        """``Create`` (see :class:`Driver`)."""
        request = requests.create(self._target(name), self._checked(inputs))
        return Pending(self._sender("Create", request), _decode_id_and_properties)

    def read(self, name: str, id_: str, outputs: Bag, inputs: Bag) -> Pending[tuple[str, Bag]]:
        """``Read`` (see :class:`Driver`)."""
        request = requests.read(
            self._target(name), id_, self._encode(outputs), self._encode(inputs)
        )
        return Pending(self._sender("Read", request), _decode_id_and_properties)

    def diff(
        self, name: str, id_: str, outputs: Bag, news: Checked, old_inputs: Bag
    ) -> Pending[bool]:
        """``Diff`` (see :class:`Driver`)."""
        request = self._change(requests.diff, name, id_, outputs, news, old_inputs)
        return Pending(self._sender("Diff", request), _decode_changes)

    def update(
        self, name: str, id_: str, outputs: Bag, news: Checked, old_inputs: Bag
    ) -> Pending[Bag]:
        """``Update`` (see :class:`Driver`)."""
        request = self._change(requests.update, name, id_, outputs, news, old_inputs)
        return Pending(self._sender("Update", request), lambda r: _decode(r.properties))

    def delete(self, name: str, id_: str, outputs: Bag, old_inputs: Bag) -> Pending[None]:
        """``Delete`` (see :class:`Driver`)."""
        request = requests.delete(
            self._target(name), id_, self._encode(outputs), self._encode(old_inputs)
        )
        return Pending(self._sender("Delete", request), lambda _: None)

    def _change(
        self,
        build: Callable[..., Any],
        name: str,
        id_: str,
        outputs: Bag,
        news: Checked,
        old_inputs: Bag,
    ) -> Any:
        """``Diff``'s or ``Update``'s request (``build``): both take the same fields."""
        return build(
            self._target(name),
            id_,
            self._encode(outputs),
            self._checked(news),
            self._encode(old_inputs),
        )

    def _target(self, name: str) -> requests.Target:
        return self.host.target(self.type_token, name)

    def _sender(self, method: str, request: Any) -> Callable[[], Any]:
        rpc_method = getattr(self._stub, method)
        return lambda: rpc_method(request, timeout=CALL_TIMEOUT_SECONDS)

    def _encode(self, bag: Mapping[str, Any]) -> Any:
        return self._loop.run_until_complete(rpc.serialize_properties(dict(bag), {}))

    def _checked(self, checked: Checked) -> Any:
        # The engine passes Check's answer on as it came; re-encode only when it did not.
        return checked.raw if checked.raw is not None else self._encode(checked.inputs)


class HarnessDriver:
    """Calls through :class:`EngineHost`'s methods (encoding inside the timed call)."""

    def __init__(self, host: EngineHost, type_token: str) -> None:
        self.host = host
        self.type_token = type_token

    def close(self) -> None:
        """Nothing to release: the host belongs to the caller."""

    def check(self, name: str, olds: Bag, news: Bag) -> Pending[Checked]:
        """``Check`` (see :class:`Driver`)."""
        return Pending(
            lambda: self.host.check(self.type_token, name, olds, news),
            lambda r: Checked(r.inputs, r.failures),
        )

    def create(self, name: str, inputs: Checked) -> Pending[tuple[str, Bag]]:
        """``Create`` (see :class:`Driver`)."""
        return Pending(lambda: self.host.create(self.type_token, name, inputs.inputs), _same)

    def read(self, name: str, id_: str, outputs: Bag, inputs: Bag) -> Pending[tuple[str, Bag]]:
        """``Read`` (see :class:`Driver`)."""
        return Pending(
            lambda: self.host.read(self.type_token, name, id_, outputs, inputs),
            lambda r: (r.id, r.properties),
        )

    def diff(
        self, name: str, id_: str, outputs: Bag, news: Checked, old_inputs: Bag
    ) -> Pending[bool]:
        """``Diff`` (see :class:`Driver`)."""
        call = self._change(self.host.diff, name, id_, outputs, news, old_inputs)
        return Pending(call, lambda r: bool(r.changes))

    def update(
        self, name: str, id_: str, outputs: Bag, news: Checked, old_inputs: Bag
    ) -> Pending[Bag]:
        """``Update`` (see :class:`Driver`)."""
        call = self._change(self.host.update, name, id_, outputs, news, old_inputs)
        return Pending(call, _same)

    def delete(self, name: str, id_: str, outputs: Bag, old_inputs: Bag) -> Pending[None]:
        """``Delete`` (see :class:`Driver`)."""
        return Pending(
            lambda: self.host.delete(self.type_token, name, id_, outputs, old_inputs=old_inputs),
            lambda _: None,
        )

    def _change(
        self,
        method: Callable[..., Any],
        name: str,
        id_: str,
        outputs: Bag,
        news: Checked,
        old_inputs: Bag,
    ) -> Callable[[], Any]:
        """The call of ``Diff`` or ``Update`` (the host's ``method``): both take the same."""
        return lambda: method(
            self.type_token, name, id_, outputs, news.inputs, old_inputs=old_inputs
        )


DRIVERS: Final[dict[str, Callable[[EngineHost, str], Driver]]] = {
    "wire": WireDriver,
    "harness": HarnessDriver,
}


def _same(value: T) -> T:
    return value


def _decode(struct: Any) -> Bag:
    return dict(rpc.deserialize_properties(struct, keep_unknowns=True))


def _decode_check(response: Any) -> Checked:
    failures = [(f.property, f.reason) for f in response.failures]
    return Checked(_decode(response.inputs), failures, raw=response.inputs)


def _decode_id_and_properties(response: Any) -> tuple[str, Bag]:
    return response.id, _decode(response.properties)


def _decode_changes(response: Any) -> bool:
    return bool(response.changes == provider_pb2.DiffResponse.DIFF_SOME)
