"""Resource constructors spell their keywords, so mypy checks a user's program.

Each constructor has two overloads, as generated Pulumi SDKs do: ``(resource_name,
args, opts)`` and ``(resource_name, *, <every input>, opts)``. The keyword overload
restates the Args fields; the tests below keep the two in step and run mypy on small
programs the way a user's editor or CI would.
"""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys
from pathlib import Path

import pytest
from pulumi_speko.resources.business_verification import (
    BusinessVerification,
    BusinessVerificationArgs,
)
from pulumi_speko.resources.phone_number import PhoneNumber, PhoneNumberArgs
from pulumi_speko.resources.sip_trunk_phone_number import (
    SipTrunkPhoneNumber,
    SipTrunkPhoneNumberArgs,
)
from typing_extensions import get_overloads

# Python 3.10 keeps no registry of ``typing.overload`` functions.
needs_overload_registry = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="typing.get_overloads is new in Python 3.11"
)
RESOURCES = [
    (PhoneNumber, PhoneNumberArgs),
    (SipTrunkPhoneNumber, SipTrunkPhoneNumberArgs),
    (BusinessVerification, BusinessVerificationArgs),
]

MISUSING_PROGRAM = """\
from pulumi_speko.resources.business_verification import BusinessVerification
from pulumi_speko.resources.phone_number import PhoneNumber
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumber

PhoneNumber("sales", e164="+12025550100", agentid="agent-1")
SipTrunkPhoneNumber("trunk", e164="+442071838752", direction=5)
BusinessVerification("kyb", attestation_accepted="yes")
"""

CORRECT_PROGRAM = """\
import pulumi

from pulumi_speko.resources.business_verification import (
    AddressArgs,
    BusinessProfileArgs,
    BusinessVerification,
    BusinessVerificationArgs,
)
from pulumi_speko.resources.phone_number import PhoneNumber, PhoneNumberArgs
from pulumi_speko.resources.sip_trunk_phone_number import (
    SipTrunkPhoneNumber,
    SipTrunkPhoneNumberArgs,
)

agent: pulumi.Output[str] = pulumi.Output.from_input("agent-1")
verification = BusinessVerification(
    "kyb",
    business_profile=BusinessProfileArgs(legal_name="Acme", address=AddressArgs(city="NYC")),
    authorized_representative={"name": "Ada", "email": "ada@example.com"},
    attestation_accepted=True,
)
BusinessVerification("kyb-args", BusinessVerificationArgs(submit=False))
PhoneNumber(
    "sales",
    area_code="212",
    agent_id=agent,
    dispatch_metadata_template={"team": "sales"},
    max_upfront_cost_usd=2,
    opts=pulumi.ResourceOptions(depends_on=[verification]),
)
PhoneNumber("support", PhoneNumberArgs("+12025550100", direction="inbound"))
SipTrunkPhoneNumber("trunk", e164="+442071838752", sip_connection_installation_id="inst-1")
SipTrunkPhoneNumber("trunk-args", args=SipTrunkPhoneNumberArgs(e164="+442071838753"))
existing: PhoneNumber = PhoneNumber.get("existing", "pn_123")
"""


def _mypy_report(tmp_path: Path, programs: dict[str, str]) -> dict[str, list[str]]:
    """Run ``mypy --strict`` once on the given programs; each file's error lines."""
    for name, source in programs.items():
        (tmp_path / name).write_text(source)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            *programs,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert completed.returncode in (0, 1), completed.stderr or completed.stdout
    errors: dict[str, list[str]] = {name: [] for name in programs}
    for line in completed.stdout.splitlines():
        name = line.split(":", 1)[0]
        if ": error: " in line and name in errors:
            errors[name].append(line)
    return errors


def test_mypy_flags_a_misspelt_keyword_and_a_wrong_type_and_passes_a_correct_program(
    tmp_path: Path,
) -> None:
    errors = _mypy_report(tmp_path, {"misuse.py": MISUSING_PROGRAM, "correct.py": CORRECT_PROGRAM})

    assert errors["correct.py"] == []
    misuse = "\n".join(errors["misuse.py"])
    assert 'misuse.py:5: error: Unexpected keyword argument "agentid"' in misuse
    assert 'did you mean "agent_id"' in misuse
    assert (
        'misuse.py:6: error: No overload variant of "SipTrunkPhoneNumber" matches argument '
        'types "str", "str", "int"'
    ) in misuse
    assert (
        'misuse.py:7: error: No overload variant of "BusinessVerification" matches argument '
        'types "str", "str"'
    ) in misuse


def _keyword_overload(resource: type) -> inspect.Signature:
    overloads = get_overloads(resource.__init__)  # type: ignore[misc]
    (keywords,) = [
        signature
        for signature in map(inspect.signature, overloads)
        if "args" not in signature.parameters
    ]
    return keywords


@needs_overload_registry
@pytest.mark.parametrize(("resource", "args_type"), RESOURCES)
def test_the_keyword_overload_lists_every_args_field_in_order_with_its_type(
    resource: type, args_type: type
) -> None:
    parameters = _keyword_overload(resource).parameters
    inputs = {
        name: str(parameter.annotation)
        for name, parameter in parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name != "opts"
    }
    fields = {field.name: str(field.type) for field in dataclasses.fields(args_type)}
    assert list(inputs) == list(fields)
    assert inputs == fields
    assert all(parameters[name].default is None for name in inputs)


@needs_overload_registry
@pytest.mark.parametrize(("resource", "args_type"), RESOURCES)
def test_the_args_overload_takes_the_args_class_then_options(
    resource: type, args_type: type
) -> None:
    overloads = get_overloads(resource.__init__)  # type: ignore[misc]
    signatures = [inspect.signature(function) for function in overloads]
    (with_args,) = [s for s in signatures if "args" in s.parameters]
    assert list(with_args.parameters) == ["self", "resource_name", "args", "opts"]
    assert with_args.parameters["args"].annotation == args_type.__name__
