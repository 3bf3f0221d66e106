"""The six resource requests the engine sends a provider, built once.

:class:`~pulumi_speko.testing.engine.EngineHost` (the test driver) and the fleet
benchmark's wire driver both build their ``Check`` / ``Diff`` / ``Create`` / ``Read`` /
``Update`` / ``Delete`` requests here. Property bags come in already encoded (a
protobuf ``Struct``): each caller encodes in its own way and at its own time.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pulumi.runtime.proto import provider_pb2

# A property bag as the engine sends it: a protobuf Struct (rpc.serialize_properties).
EncodedBag = Any
RequestT = TypeVar("RequestT")


@dataclass(frozen=True)
class Target:
    """The resource a request is about, as the engine names it."""

    urn: str
    name: str
    type: str


def check(target: Target, olds: EncodedBag, news: EncodedBag) -> provider_pb2.CheckRequest:
    """``Check``: ``olds`` the previous inputs (empty when new), ``news`` the program's."""
    return _about(
        target, provider_pb2.CheckRequest, olds=olds, news=news, randomSeed=os.urandom(32)
    )


def diff(
    target: Target, id_: str, olds: EncodedBag, news: EncodedBag, old_inputs: EncodedBag
) -> provider_pb2.DiffRequest:
    """``Diff``: ``olds`` the old outputs, ``news`` the checked inputs."""
    return _change(provider_pb2.DiffRequest, target, id_, olds, news, old_inputs)


def create(
    target: Target, properties: EncodedBag, *, preview: bool = False
) -> provider_pb2.CreateRequest:
    """``Create`` from the checked inputs."""
    return _about(target, provider_pb2.CreateRequest, properties=properties, preview=preview)


def read(
    target: Target, id_: str, properties: EncodedBag, inputs: EncodedBag
) -> provider_pb2.ReadRequest:
    """``Read`` (refresh or import): ``properties`` the old outputs, ``inputs`` the old inputs."""
    return _about(target, provider_pb2.ReadRequest, id=id_, properties=properties, inputs=inputs)


def update(
    target: Target, id_: str, olds: EncodedBag, news: EncodedBag, old_inputs: EncodedBag
) -> provider_pb2.UpdateRequest:
    """``Update``: ``olds`` the old outputs, ``news`` the checked inputs."""
    return _change(provider_pb2.UpdateRequest, target, id_, olds, news, old_inputs)


def delete(
    target: Target, id_: str, properties: EncodedBag, old_inputs: EncodedBag
) -> provider_pb2.DeleteRequest:
    """``Delete``: ``properties`` the outputs in state."""
    return _about(
        target, provider_pb2.DeleteRequest, id=id_, properties=properties, old_inputs=old_inputs
    )


def _change(
    request_type: Callable[..., RequestT],
    target: Target,
    id_: str,
    olds: EncodedBag,
    news: EncodedBag,
    old_inputs: EncodedBag,
) -> RequestT:
    """A ``Diff`` or ``Update`` request: the two carry the same fields."""
    return _about(target, request_type, id=id_, olds=olds, news=news, old_inputs=old_inputs)


def _about(target: Target, request_type: Callable[..., RequestT], **fields: Any) -> RequestT:
    """A request of ``request_type`` about ``target``: its URN, name and type, then ``fields``."""
    return request_type(urn=target.urn, name=target.name, type=target.type, **fields)
