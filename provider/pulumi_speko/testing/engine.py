"""Drive the Pulumi SDK's dynamic-provider host over gRPC, the way the Pulumi engine does.

The engine runs a Python dynamic provider by launching ``python -u -m pulumi.dynamic``
(the ``pulumi-resource-pulumi-python`` plugin script) and calling its ResourceProvider
service: ``Configure`` first, then ``Check``, ``Diff``, ``Create``, ``Read``, ``Update``
and ``Delete``. :class:`EngineHost` starts that same host as a subprocess and makes the
same calls, so a provider is tested through the exact code path ``pulumi up`` uses,
without the Pulumi CLI.

Property bags are plain Python values. What the engine would send is reproduced here:

- ``__provider`` is the plain string from :func:`serialize_provider`;
- :data:`UNKNOWN` is the engine's unknown value (what ``pulumi preview`` passes to
  ``Check`` and ``Diff`` for outputs not yet known); the provider sees
  ``pulumi.output.Unknown`` objects there. Unknowns in responses come back as
  :data:`UNKNOWN`;
- numbers travel as protobuf ``Struct`` numbers, so ints reach the provider as floats;
- secret-wrapped values (``rpc.wrap_rpc_secret``) are unwrapped before sending once the
  host has answered ``acceptSecrets=False``, as the engine does; secrets in responses
  are unwrapped too, so results are plain.
"""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, cast

import grpc
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider as _sdk_serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_speko.testing import requests

__all__ = [
    "UNKNOWN",
    "CheckResult",
    "DiffResult",
    "EngineError",
    "EngineHost",
    "EngineStartError",
    "ReadResult",
    "serialize_provider",
    "sigint_inherited_as_default",
]

UNKNOWN: Final[str] = rpc.UNKNOWN
"""The engine's unknown value: put it in a property bag where preview has no value yet."""

# google.protobuf.struct_pb2.Struct: protobuf ships no type stubs, and types-protobuf is not
# among the project's dev dependencies.
_Struct = Any

DEFAULT_CALL_TIMEOUT: Final = 120.0
DEFAULT_START_TIMEOUT: Final = 60.0
DEFAULT_CLOSE_TIMEOUT: Final = 60.0  # a bound for a hung host, never a wait

_DIFF_CHANGES: Final[dict[int, bool | None]] = {
    provider_pb2.DiffResponse.DIFF_UNKNOWN: None,
    provider_pb2.DiffResponse.DIFF_NONE: False,
    provider_pb2.DiffResponse.DIFF_SOME: True,
}


def serialize_provider(provider: ResourceProvider) -> str:
    """Serialize ``provider`` into ``__provider``, exactly as ``Resource.__init__`` does."""
    serialized, _contains_secrets = _serialize(True, _sdk_serialize_provider, provider)
    return cast(str, serialized)


class EngineError(Exception):
    """A gRPC call to the provider host failed.

    ``details`` is the message the engine reports to the user; for an exception raised by
    the provider, the host puts the traceback first and ``str(exc)`` of the exception
    (prefixed by its class name) on the last line, exposed as ``last_line``.
    """

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        self.method = method
        self.code = code
        self.details = details
        super().__init__(f"{method} failed with {code}: {details}")

    @property
    def last_line(self) -> str:
        """The last non-blank line of ``details``: what ``pulumi up`` users read."""
        lines = [line.strip() for line in self.details.splitlines() if line.strip()]
        return lines[-1] if lines else ""


class EngineStartError(RuntimeError):
    """The provider host did not start (it died, hung or printed no port)."""


@dataclass(frozen=True)
class CheckResult:
    """The checked inputs and the validation failures, as ``(property, reason)`` pairs."""

    inputs: dict[str, Any]
    failures: list[tuple[str, str]]


@dataclass(frozen=True)
class DiffResult:
    """What reaches the engine from a dynamic provider's ``diff``.

    ``changes`` is ``None`` when the provider did not say (the engine then diffs inputs
    itself).
    """

    changes: bool | None
    replaces: list[str]
    delete_before_replace: bool
    raw: provider_pb2.DiffResponse


@dataclass(frozen=True)
class ReadResult:
    """The refreshed resource: ``id`` is ``""`` when the provider says it is gone.

    ``inputs`` are the inputs the engine would keep: those the provider returned, else
    the ones passed in (``raw.HasField("inputs")`` tells which).
    """

    id: str
    properties: dict[str, Any]
    inputs: dict[str, Any]
    raw: provider_pb2.ReadResponse = field(repr=False)


class EngineHost:
    """The SDK's dynamic-provider host in a subprocess, driven over gRPC like the engine does.

    Safe to use from several threads at once (the engine calls the host concurrently).
    Use as a context manager, or call :meth:`start` and :meth:`close`. The host's
    environment is ``os.environ``, then ``env``, then ``PULUMI_PROJECT``/``PULUMI_STACK``
    from ``project``/``stack`` (so its settings agree with :meth:`urn`). The provider's
    module must import from ``cwd`` or from a ``PYTHONPATH`` given in ``env``.
    """

    unconfigured_calls: frozenset[str] = frozenset()
    """Calls the engine makes before ``Configure`` (none for the dynamic-provider host)."""

    def __init__(
        self,
        *,
        cwd: str | Path | None = None,
        env: Mapping[str, str] | None = None,
        project: str = "proj",
        stack: str = "dev",
        python: str = sys.executable,
        call_timeout: float = DEFAULT_CALL_TIMEOUT,
        start_timeout: float = DEFAULT_START_TIMEOUT,
        close_timeout: float = DEFAULT_CLOSE_TIMEOUT,
    ) -> None:
        self.cwd = Path(cwd) if cwd is not None else None
        self.env = dict(env or {})
        self.project = project
        self.stack = stack
        self.python = python
        self.call_timeout = call_timeout
        self.start_timeout = start_timeout
        self.close_timeout = close_timeout
        self.port: int | None = None
        self.returncode: int | None = None
        self.accept_secrets: bool | None = None
        """What the host answered to ``Configure`` (``None`` before it)."""
        self.responses: list[Any] = []
        """Every response the host gave, in order (for scans of what left the host)."""
        self.stdout_lines: list[str] = []
        """Every line the host printed after its port line (the provider's prints)."""
        self._stdout_changed = threading.Condition()
        self._stderr_chunks: list[str] = []
        self._stderr_lock = threading.Lock()
        self._port_line: queue.Queue[str | None] = queue.Queue()
        self._proc: subprocess.Popen[bytes] | None = None
        self._drains: list[threading.Thread] = []
        self._finalizer: weakref.finalize[Any, EngineHost] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: provider_pb2_grpc.ResourceProviderStub | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> EngineHost:
        """Launch the host, read its port and wait until its gRPC server accepts calls."""
        if self._proc is not None:
            raise RuntimeError("EngineHost already started")
        deadline = time.monotonic() + self.start_timeout
        try:
            self._start_loop()
            self._launch()
            self.port = self._await_port(deadline)
            self._connect(deadline)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Close the channel, SIGINT the host (kill it if it hangs), keep its exit code."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self._stub = None
        proc = self._proc
        if proc is not None and self.returncode is None:
            self.returncode = _stop_process(proc, self.close_timeout)
            for drain in self._drains:
                drain.join(self.close_timeout)
            if self._finalizer is not None:
                self._finalizer.detach()
        self._stop_loop()

    def __enter__(self) -> EngineHost:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def stderr_text(self) -> str:
        """Everything the host wrote to stderr so far."""
        with self._stderr_lock:
            return "".join(self._stderr_chunks)

    def wait_for_stdout(self, text: str, timeout: float = 5.0) -> str:
        """Return the first stdout line containing ``text``, waiting up to ``timeout`` seconds."""
        with self._stdout_changed:
            found = self._stdout_changed.wait_for(
                lambda: any(text in line for line in self.stdout_lines), timeout
            )
            if not found:
                raise TimeoutError(f"host printed no line containing {text!r}")
            return next(line for line in self.stdout_lines if text in line)

    # -- engine calls ----------------------------------------------------------------

    def configure(self, config: Mapping[str, str], *, secret_keys: Iterable[str] = ()) -> None:
        """Send the stack config (namespaced keys, e.g. ``speko:apiKey``) as the engine does.

        Values named in ``secret_keys`` travel secret-wrapped, as decrypted stack secrets do.
        """
        secrets = set(secret_keys)
        missing = secrets - set(config)
        if missing:
            raise ValueError(f"secret_keys not in config: {sorted(missing)}")
        args = {k: rpc.wrap_rpc_secret(v) if k in secrets else v for k, v in config.items()}
        request = provider_pb2.ConfigureRequest(
            variables=dict(config),
            args=self._struct(args, strip_secrets=False),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
        )
        response = self._call("Configure", request)
        self.accept_secrets = response.acceptSecrets

    def urn(self, type_token: str, name: str) -> str:
        """The URN the engine gives resource ``name`` of type ``type_token`` in this stack."""
        return f"urn:pulumi:{self.stack}::{self.project}::{type_token}::{name}"

    def target(self, type_token: str, name: str) -> requests.Target:
        """Resource ``name`` of type ``type_token`` in this stack, as requests name it."""
        return requests.Target(urn=self.urn(type_token, name), name=name, type=type_token)

    def check(
        self, type_token: str, name: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> CheckResult:
        """``Check``: ``olds`` are the previous inputs (``{}`` when new), ``news`` the program's."""
        request = requests.check(self.target(type_token, name), self._bag(olds), self._bag(news))
        response = self._call("Check", request)
        failures = [(f.property, f.reason) for f in response.failures]
        return CheckResult(inputs=_from_struct(response.inputs), failures=failures)

    def diff(
        self,
        type_token: str,
        name: str,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
    ) -> DiffResult:
        """``Diff``: ``olds`` are the old outputs, ``news`` the checked inputs."""
        response = self._send("Diff", requests.diff, type_token, name, id, olds, news, old_inputs)
        return DiffResult(
            changes=_DIFF_CHANGES.get(response.changes),
            replaces=list(response.replaces),
            delete_before_replace=response.deleteBeforeReplace,
            raw=response,
        )

    def create(
        self, type_token: str, name: str, inputs: Mapping[str, Any], *, preview: bool = False
    ) -> tuple[str, dict[str, Any]]:
        """``Create`` with the checked inputs; returns the new id and the outputs.

        The SDK's host ignores ``preview`` (it creates for real); the engine never calls
        ``Create`` in preview for it, since it does not answer ``supportsPreview``.
        """
        request = requests.create(self.target(type_token, name), self._bag(inputs), preview=preview)
        response = self._call("Create", request)
        return response.id, _from_struct(response.properties)

    def read(
        self,
        type_token: str,
        name: str,
        id: str,
        properties: Mapping[str, Any],
        inputs: Mapping[str, Any],
    ) -> ReadResult:
        """``Read`` (refresh): ``properties`` are the old outputs, ``inputs`` the old inputs."""
        response = self._send("Read", requests.read, type_token, name, id, properties, inputs)
        kept_inputs = (
            _from_struct(response.inputs) if response.HasField("inputs") else _plain(inputs)
        )
        return ReadResult(
            id=response.id,
            properties=_from_struct(response.properties),
            inputs=kept_inputs,
            raw=response,
        )

    def update(
        self,
        type_token: str,
        name: str,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``Update``: ``olds`` are old outputs, ``news`` the checked inputs; returns outputs."""
        response = self._send(
            "Update", requests.update, type_token, name, id, olds, news, old_inputs
        )
        return _from_struct(response.properties)

    def delete(
        self,
        type_token: str,
        name: str,
        id: str,
        properties: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
    ) -> None:
        """``Delete``: ``properties`` are the outputs stored in state."""
        self._send("Delete", requests.delete, type_token, name, id, properties, old_inputs)

    # -- internals -------------------------------------------------------------------

    def _send(
        self,
        method: str,
        build: Callable[..., Any],
        type_token: str,
        name: str,
        id: str,
        *bags: Mapping[str, Any] | None,
    ) -> Any:
        """Call ``method`` about resource ``id`` with the request ``build`` makes from the
        target, ``id`` and the encoded ``bags`` (a missing one, ``None``, sent empty)."""
        encoded = [self._bag(bag or {}) for bag in bags]
        return self._call(method, build(self.target(type_token, name), id, *encoded))

    def _start_loop(self) -> None:
        # Serialization gets its own loop on its own thread: the global loop belongs to
        # set_mocks tests, and a thread lets callers inside a running loop use the harness.
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._loop_thread = threading.Thread(
            target=loop.run_forever, name="engine-serializer", daemon=True
        )
        self._loop_thread.start()

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._loop_thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(self.close_timeout)
        if not thread.is_alive():
            loop.close()
        self._loop = self._loop_thread = None

    def _launch(self) -> None:
        env = {**os.environ, **self.env, "PULUMI_PROJECT": self.project, "PULUMI_STACK": self.stack}
        with sigint_inherited_as_default():
            self._proc = proc = subprocess.Popen(
                self.command(),
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        self._finalizer = weakref.finalize(self, _kill_quietly, proc)
        assert proc.stdout is not None and proc.stderr is not None
        self._drains = [
            threading.Thread(target=self._drain_stdout, args=(proc.stdout,), daemon=True),
            threading.Thread(target=self._drain_stderr, args=(proc.stderr,), daemon=True),
        ]
        for drain in self._drains:
            drain.start()

    def command(self) -> list[str]:
        """The host's command line: the SDK's dynamic-provider host."""
        return [self.python, "-u", "-m", "pulumi.dynamic"]

    def _drain_stdout(self, stream: IO[bytes]) -> None:
        first = True
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if first:
                self._port_line.put(line)
                first = False
                continue
            with self._stdout_changed:
                self.stdout_lines.append(line)
                self._stdout_changed.notify_all()
        if first:
            self._port_line.put(None)

    def _drain_stderr(self, stream: IO[bytes]) -> None:
        for chunk in iter(lambda: os.read(stream.fileno(), 65536), b""):
            with self._stderr_lock:
                self._stderr_chunks.append(chunk.decode("utf-8", "replace"))

    def _await_port(self, deadline: float) -> int:
        try:
            line = self._port_line.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise self._start_error(f"printed no port within {self.start_timeout}s") from None
        if line is None:
            raise self._start_error("exited before printing its port")
        try:
            return int(line.strip())
        except ValueError:
            raise self._start_error(f"printed {line!r} instead of a port") from None

    def _connect(self, deadline: float) -> None:
        channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=_GRPC_CHANNEL_OPTIONS)
        self._channel = channel
        try:
            grpc.channel_ready_future(channel).result(timeout=max(0.0, deadline - time.monotonic()))
        except grpc.FutureTimeoutError:
            raise self._start_error(f"accepted no gRPC connection on port {self.port}") from None
        self._stub = provider_pb2_grpc.ResourceProviderStub(channel)

    def _start_error(self, what: str) -> EngineStartError:
        # Stop the host first so the stderr drain has everything it will ever print.
        if self._proc is not None and self.returncode is None:
            self.returncode = _stop_process(self._proc, self.close_timeout)
            for drain in self._drains:
                drain.join(self.close_timeout)
        command = " ".join(self.command())
        return EngineStartError(
            f"provider host `{command}` (cwd={self.cwd}) {what}; "
            f"exit code {self.returncode}; stderr:\n{self.stderr_text()}"
        )

    def _call(self, method: str, request: Any) -> Any:
        if self._stub is None:
            raise RuntimeError("EngineHost is not started")
        if (
            method != "Configure"
            and method not in self.unconfigured_calls
            and (self.accept_secrets is None)
        ):
            # The host caches each provider with the config it saw on its first call.
            raise RuntimeError(f"call configure() before {method}, as the engine does")
        try:
            response = getattr(self._stub, method)(request, timeout=self.call_timeout)
        except grpc.RpcError as exc:
            error = EngineError(method, exc.code(), exc.details() or "")
            self.observe(method, error)
            raise error from exc
        self.observe(method, response)
        return response

    def observe(self, method: str, outcome: Any) -> None:
        """Called after each call (``method`` as gRPC names it, e.g. ``Create``) with the
        host's response, or the :class:`EngineError` the call raised; keeps the responses
        in :attr:`responses`. A subclass that watches every call overrides it (and calls it).
        """
        if not isinstance(outcome, EngineError):
            self.responses.append(outcome)

    def _bag(self, bag: Mapping[str, Any]) -> _Struct:
        # The engine strips secrets for providers that answered acceptSecrets=False.
        return self._struct(bag, strip_secrets=not self.accept_secrets)

    def _struct(self, bag: Mapping[str, Any], *, strip_secrets: bool) -> _Struct:
        if self._loop is None:
            raise RuntimeError("EngineHost is not started")
        plain = _to_engine(bag, strip_secrets)
        future = asyncio.run_coroutine_threadsafe(rpc.serialize_properties(plain, {}), self._loop)
        return future.result(self.call_timeout)


def _to_engine(value: Any, strip_secrets: bool) -> Any:
    """Plain containers, ``Unknown`` objects as the unknown string, secrets unwrapped if asked."""
    if strip_secrets and rpc.is_rpc_secret(value):
        return _to_engine(rpc.unwrap_rpc_secret(value), strip_secrets)
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: _to_engine(v, strip_secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_engine(v, strip_secrets) for v in value]
    return value


def _plain(value: Any) -> Any:
    """Unknowns as :data:`UNKNOWN`, secrets unwrapped, at every depth."""
    if rpc.is_rpc_secret(value):
        return _plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _from_struct(struct: _Struct) -> dict[str, Any]:
    return cast(dict[str, Any], _plain(rpc.deserialize_properties(struct, keep_unknowns=True)))


@contextmanager
def sigint_inherited_as_default() -> Iterator[None]:
    """Launch child processes inside this block so that they start with SIGINT's default
    action even when this process ignores SIGINT (a job started with ``&`` or ``nohup``).

    An ignored signal stays ignored across ``exec``, and Python then installs no
    KeyboardInterrupt handler: a host or policy pack stopped with SIGINT, as the engine
    stops plugins, would keep running until killed. A handled signal is reset to its
    default at ``exec``, so the block handles SIGINT for its duration. Only the main
    thread may change a handler: elsewhere the block changes nothing.
    """
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    if not ignored or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_process(proc: subprocess.Popen[bytes], timeout: float) -> int:
    """SIGINT (the host exits 0 on KeyboardInterrupt), then SIGKILL if it outlives ``timeout``."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait(timeout)


def _kill_quietly(proc: subprocess.Popen[bytes]) -> None:
    # Last resort at garbage collection or interpreter exit: never leave a host running.
    if proc.poll() is None:
        proc.kill()
        proc.wait()
