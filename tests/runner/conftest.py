"""A small program of the test's own, written into a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

SIP_PROGRAM = """\
import pulumi
from pulumi_speko import SipTrunkPhoneNumber

config = pulumi.Config()
numbers = config.get("numbers") or "front-desk"
for name in numbers.split(","):
    e164 = {"front-desk": "+442071838750", "back-office": "+442071838751"}[name]
    number = SipTrunkPhoneNumber(
        name,
        e164=e164,
        sip_connection_installation_id="sci_demo",
        sip_provider_name=config.get("provider") or "Twilio",
        direction=config.get("direction") or "inbound",
        agent_id="agent_support",
        label=config.get("label") or "Front desk",
    )
    pulumi.export(name, number.e164)
"""


def write_program(directory: Path, source: str = SIP_PROGRAM, name: str = "phones") -> Path:
    """A program directory: ``__main__.py`` and a ``Pulumi.yaml`` naming ``name``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "__main__.py").write_text(source)
    (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    return directory


@pytest.fixture
def program_dir(tmp_path: Path) -> Path:
    """The SIP-trunk program, in its own directory."""
    return write_program(tmp_path / "phones")
