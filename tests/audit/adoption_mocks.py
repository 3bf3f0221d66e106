"""Run generated Python under ``pulumi.runtime.set_mocks`` and record what it declares.

The code is compiled and executed as a program's ``__main__`` would be; the mock
monitor records each registration's type, name, inputs and ``protect`` option (which
``MockResourceArgs`` does not carry). The runtime's global state is reset afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime import set_all_config, set_mocks
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs
from pulumi.runtime.settings import reset_options

PROJECT, STACK = "adopt", "dev"


@dataclass(frozen=True)
class Registered:
    """One resource the code declared."""

    type: str
    name: str
    inputs: dict[str, Any]
    protect: bool

    def user_inputs(self) -> dict[str, Any]:
        """The inputs without the provider pickle and without unset (None) values."""
        return {k: v for k, v in self.inputs.items() if k != "__provider" and v is not None}


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.inputs: dict[str, dict[str, Any]] = {}

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.inputs[args.name] = dict(args.inputs)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise AssertionError(f"adoption code made an unexpected invoke: {args.token}")


class _Monitor(MockMonitor):
    def __init__(self, mocks: _Mocks) -> None:
        super().__init__(mocks)
        self.options: dict[str, tuple[str, bool]] = {}

    def RegisterResource(self, request: Any) -> Any:  # the gRPC method name
        self.options[request.name] = (request.type, bool(request.protect))
        return super().RegisterResource(request)  # type: ignore[no-untyped-call]


def declare(code: str) -> dict[str, Registered]:
    """Compile ``code``, run it under mocks, and return its resources by name."""
    compiled = compile(code, "<pulumi-speko discover>", "exec")
    reset_options(project=PROJECT, stack=STACK)
    set_all_config({}, [])
    mocks = _Mocks()
    monitor = _Monitor(mocks)
    set_mocks(mocks, project=PROJECT, stack=STACK, preview=False, monitor=monitor)
    try:

        @pulumi.runtime.test  # type: ignore[untyped-decorator]
        def program() -> pulumi.Output[list[Any]]:
            namespace: dict[str, Any] = {"__name__": "__main__"}
            exec(compiled, namespace)
            declared = [v for v in namespace.values() if isinstance(v, pulumi.CustomResource)]
            return pulumi.Output.all(*(resource.id for resource in declared))

        program()
    finally:
        reset_options()
        set_all_config({}, [])
    return {
        name: Registered(monitor.options[name][0], name, inputs, monitor.options[name][1])
        for name, inputs in mocks.inputs.items()
    }
