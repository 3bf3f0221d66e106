"""``pulumi-resource-speko``: the plugin process the Pulumi engine starts.

Usage: ``pulumi-resource-speko [flags] [ENGINE_ADDRESS]``. It serves the ResourceProvider
service on a free loopback port, prints that port as the only line on stdout, logs to
stderr and stops on SIGINT or SIGTERM. The engine's usual flags (``--logtostderr``,
``-v=N``, ``--tracing``, ...) are accepted and ignored: the plugin logs what it logs to
stderr, where the engine collects it.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from concurrent import futures
from types import FrameType

import grpc
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

from pulumi_speko.native.servicer import SpekoProvider

# The engine calls a provider concurrently (its parallelism, 16 by default); the core's
# sessions and list cache are shared by these threads.
WORKER_THREADS = 8


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """The engine address (optional) and the flags; unknown flags are ignored."""
    parser = argparse.ArgumentParser(prog="pulumi-resource-speko")
    parser.add_argument("engine", nargs="?", help="address of the Pulumi engine (unused)")
    parser.add_argument("--logtostderr", action="store_true")
    parser.add_argument("-v", dest="verbosity", type=int, default=0)
    arguments, _unknown = parser.parse_known_args(list(argv))
    return arguments


def serve(argv: Sequence[str]) -> int:
    """Serve until interrupted; returns the exit code."""
    arguments = parse_arguments(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if arguments.verbosity >= 9 else logging.WARNING,
        format="pulumi-resource-speko: %(levelname)s %(message)s",
    )
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=WORKER_THREADS), options=_GRPC_CHANNEL_OPTIONS
    )
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(SpekoProvider(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    stop = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    stop.wait()
    server.stop(grace=1).wait()
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(serve(sys.argv[1:]))
