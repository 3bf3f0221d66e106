"""``pulumi-speko run``: rehearse a Pulumi program locally, without the Pulumi CLI.

:func:`run_program` runs ``preview``, ``up``, ``refresh`` or ``destroy`` on a program
directory: each resource goes through the SDK's own dynamic-provider host, as with the
CLI, and the state is kept in a local JSON file. See ``docs/commands.md``.
"""

from pulumi_speko.runner.engine import RunError, Step
from pulumi_speko.runner.program import (
    DEFAULT_STACK,
    OPERATIONS,
    RunResult,
    default_state_file,
    run_program,
)
from pulumi_speko.runner.state import StateFileError

__all__ = [
    "DEFAULT_STACK",
    "OPERATIONS",
    "RunError",
    "RunResult",
    "StateFileError",
    "Step",
    "default_state_file",
    "run_program",
]
