"""Both examples as ``pulumi preview`` runs them: outputs are unknown until created."""

from __future__ import annotations

from .mocks import ExampleRun


def test_the_program_declares_everything_while_outputs_are_unknown(
    example_in_preview: ExampleRun,
) -> None:
    outputs = example_in_preview.run()
    assert example_in_preview.mocks.resources  # every resource still declared
    assert outputs == {}  # no stack output resolved, and no apply ran on a missing value
