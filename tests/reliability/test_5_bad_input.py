"""Bad input: property-based invalid inputs for each resource, sent to Check through the host.

Each example starts from valid inputs (themselves generated) and breaks one property in
one of the ways a program gets it wrong. Check must answer with a CheckFailure naming
that property (nested ones by their dotted path), never raise, and never call the API:
the sandbox's request log stays empty. Valid inputs with unknown values (preview) must
pass, also without a call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_speko.testing.engine import UNKNOWN
from pulumi_speko.testing.sandbox import RunningSandbox

from .support import (
    AGENTS,
    FIGURES,
    KYB,
    PHONE,
    PROFILE,
    REPRESENTATIVE,
    SIP,
    Engine,
    HostPool,
    close_later,
    program_inputs,
)

EXAMPLES = 120
E164 = re.compile(r"\+[1-9][0-9]{7,14}")
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ------------------------------------------------------------------------ valid inputs

digits = st.text("0123456789", min_size=1, max_size=1)
us_e164 = st.builds(
    lambda area, line: f"+1{area}{line}",
    st.sampled_from(["415", "212", "646"]),
    st.from_regex(r"[0-9]{7}", fullmatch=True),
)
any_e164 = st.from_regex(r"\+[1-9][0-9]{7,14}", fullmatch=True)
labels = st.one_of(st.none(), st.text(max_size=120))
templates = st.one_of(
    st.none(),
    st.dictionaries(
        st.text(min_size=1, max_size=8), st.one_of(st.text(max_size=8), st.integers()), max_size=3
    ),
)


@st.composite
def routing(draw: st.DrawFn) -> dict[str, Any]:
    direction = draw(st.sampled_from(["outbound", "inbound", "both", None]))
    props: dict[str, Any] = {}
    if direction is not None:
        props["direction"] = direction
    agent = draw(st.one_of(st.none(), st.sampled_from(AGENTS)))
    template = draw(templates)
    if direction in ("inbound", "both") and agent is None and template is None:
        agent = "agent_sales"
    for key, value in (
        ("agent_id", agent),
        ("dispatch_metadata_template", template),
        ("label", draw(labels)),
    ):
        if value is not None:
            props[key] = value
    return props


@st.composite
def valid_phone(draw: st.DrawFn) -> dict[str, Any]:
    props = draw(routing())
    if draw(st.booleans()):
        props["e164"] = draw(us_e164)
    else:
        props["area_code"] = draw(st.sampled_from(["415", "212", "646"]))
    if draw(st.booleans()):
        props["max_upfront_cost_usd"] = draw(st.floats(0, 100))
    return props


@st.composite
def valid_sip(draw: st.DrawFn) -> dict[str, Any]:
    props = draw(routing())
    props["e164"] = draw(any_e164)
    key = draw(st.sampled_from(["sip_connection_installation_id", "sip_trunk_id"]))
    props[key] = draw(st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12))
    return props


@st.composite
def valid_kyb(draw: st.DrawFn) -> dict[str, Any]:
    profile = {**PROFILE, "address": dict(PROFILE["address"])}
    profile["legal_name"] = draw(st.text(st.characters(categories=["L"]), min_size=1, max_size=20))
    representative = dict(REPRESENTATIVE)
    if draw(st.booleans()):
        representative["phone"] = draw(any_e164)
    return {
        "business_profile": profile,
        "authorized_representative": representative,
        "attestation_accepted": True,
    }


# ------------------------------------------------------------------------ ways to break them

not_strings = st.one_of(
    st.integers(-(10**6), 10**6).map(float),  # numbers reach the provider as floats
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)
not_e164 = st.one_of(
    st.text(max_size=30).filter(lambda s: not E164.fullmatch(s)),
    st.from_regex(r"\+0[0-9]{8,12}", fullmatch=True),
    st.from_regex(r"\+[1-9][0-9]{0,6}", fullmatch=True),
    st.from_regex(r"\+[1-9][0-9]{15,30}", fullmatch=True),
    st.from_regex(r"[1-9][0-9]{9,12}", fullmatch=True),
    st.from_regex(r"\+1 [0-9]{3} [0-9]{3} [0-9]{4}", fullmatch=True),
    # Unicode digits (Arabic-Indic) are not digits to the API
    st.from_regex("\\+[\u0661-\u0669][\u0660-\u0669]{8,10}", fullmatch=True),
)
not_direction = st.one_of(
    st.text(max_size=12).filter(lambda s: s not in ("inbound", "outbound", "both")),
    st.sampled_from(["Inbound", "OUTBOUND", "both ", "in"]),
    not_strings,  # lists and objects included: Check once raised TypeError on them
)
overlong = st.integers(121, 2000).map(lambda n: "ü" * n)
not_area_code = st.one_of(
    st.text(max_size=6).filter(lambda s: not re.fullmatch(r"[0-9]{3}", s)),
    st.integers(100, 999).map(float),
)
not_bool = st.one_of(st.sampled_from(["true", "false", "yes", 1.0, 0.0]), st.text(max_size=4))
unknown_names = st.from_regex(r"[a-z][a-z_]{2,15}", fullmatch=True)


def set_(
    key: str, values: st.SearchStrategy[Any], drop: tuple[str, ...] = ()
) -> Callable[[dict[str, Any], Any], str]:
    """A breaker that sets ``key`` to one of ``values``, after removing the keys ``drop``."""

    def apply(props: dict[str, Any], value: Any) -> str:
        for other in drop:
            props.pop(other, None)
        props[key] = value
        return key

    apply.values = values  # type: ignore[attr-defined]
    return apply


def breaker(values: st.SearchStrategy[Any]) -> Callable[..., Any]:
    def decorate(function: Callable[[dict[str, Any], Any], str]) -> Any:
        function.values = values  # type: ignore[attr-defined]
        return function

    return decorate


SELECTORS = ("area_code", "locality")  # what an exact e164 replaces
malformed_e164 = set_("e164", not_e164, drop=SELECTORS)
e164_of_wrong_type = set_("e164", not_strings, drop=SELECTORS)
non_us_purchase = set_("e164", st.from_regex(r"\+[2-9][0-9]{7,14}", fullmatch=True), drop=SELECTORS)
malformed_area_code = set_("area_code", st.one_of(not_area_code, not_strings), drop=("e164",))
inbound_without_route = set_(
    "direction",
    st.sampled_from(["inbound", "both"]),
    drop=("agent_id", "dispatch_metadata_template"),
)


@breaker(us_e164)
def both_number_and_area_code(props: dict[str, Any], value: Any) -> str:
    props["e164"], props["area_code"] = value, "415"
    return "area_code"


@breaker(st.just(None))
def neither_number_nor_area_code(props: dict[str, Any], value: Any) -> str:
    for key in ("e164", "area_code", "locality"):
        props.pop(key, None)
    return "e164"


@breaker(st.sampled_from(["San Francisco", "New York"]))
def locality_without_area_code(props: dict[str, Any], value: Any) -> str:
    props.pop("area_code", None)
    props["e164"], props["locality"] = "+14155550100", value
    return "locality"


@breaker(
    st.one_of(
        st.floats(max_value=-0.01, allow_nan=False, allow_infinity=False),
        st.text(max_size=5),
        st.booleans(),  # once passed Check (a bool is an int)
    )
)
def bad_cost_guard(props: dict[str, Any], value: Any) -> str:
    props["max_upfront_cost_usd"] = value
    return "max_upfront_cost_usd"


@breaker(
    unknown_names.filter(
        lambda n: (
            n
            not in {
                "e164",
                "area_code",
                "locality",
                "direction",
                "agent_id",
                "label",
                "dispatch_metadata_template",
                "adopt_existing",
                "max_upfront_cost_usd",
                "max_monthly_cost_usd",
                "sip_connection_installation_id",
                "sip_trunk_id",
                "sip_provider_name",
                "business_profile",
                "authorized_representative",
                "attestation_accepted",
                "submit",
            }
        )
    )
)
def unknown_property(props: dict[str, Any], value: Any) -> str:
    props[value] = "x"
    return str(value)


@breaker(st.just(None))
def missing_sip_identifier(props: dict[str, Any], value: Any) -> str:
    props.pop("sip_connection_installation_id", None)
    props.pop("sip_trunk_id", None)
    return "sip_connection_installation_id"


@breaker(st.text(min_size=1, max_size=8))
def two_sip_identifiers(props: dict[str, Any], value: Any) -> str:
    props["sip_connection_installation_id"], props["sip_trunk_id"] = "sci_demo", value
    return "sip_trunk_id"


@breaker(st.just(None))
def sip_without_number(props: dict[str, Any], value: Any) -> str:
    props.pop("e164")
    return "e164"


ROUTING_BREAKERS = [
    set_("direction", not_direction),
    set_("label", st.one_of(overlong, not_strings)),
    set_("agent_id", st.one_of(st.just(""), not_strings)),
    set_(
        "dispatch_metadata_template",
        st.one_of(
            st.text(max_size=5), st.lists(st.integers()), st.floats(allow_nan=False), st.booleans()
        ),
    ),
    set_("adopt_existing", not_bool),
    inbound_without_route,
    unknown_property,
]
PHONE_BREAKERS = [
    *ROUTING_BREAKERS,
    malformed_e164,
    e164_of_wrong_type,
    non_us_purchase,
    malformed_area_code,
    both_number_and_area_code,
    neither_number_nor_area_code,
    locality_without_area_code,
    bad_cost_guard,
    set_("max_monthly_cost_usd", st.one_of(st.text(max_size=4), st.just(-1.0))),
]
SIP_BREAKERS = [
    *ROUTING_BREAKERS,
    malformed_e164,
    e164_of_wrong_type,
    missing_sip_identifier,
    two_sip_identifiers,
    sip_without_number,
    set_("sip_provider_name", st.one_of(st.just(""), not_strings)),
    set_("sip_connection_installation_id", st.one_of(st.just(""), not_strings)),
]

PROFILE_TEXT_FIELDS = (
    "legal_name",
    "display_name",
    "entity_type",
    "country",
    "use_case",
    "expected_usage",
)
ADDRESS_FIELDS = ("street", "city", "state", "postal_code", "country")


def nested(path: str, value: Any, props: dict[str, Any]) -> str:
    """Set (or with ``...`` remove) the leaf at a dotted path of the KYB inputs."""
    *parents, leaf = path.split(".")
    node = props
    for part in parents:
        node[part] = dict(node[part])
        node = node[part]
    if value is ...:
        node.pop(leaf, None)
    else:
        node[leaf] = value
    return path


@st.composite
def broken_kyb(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    props = draw(valid_kyb())
    kind = draw(
        st.sampled_from(
            [
                "unattested",
                "attestation-type",
                "submit-type",
                "website",
                "email",
                "phone",
                "profile-field-type",
                "profile-field-missing",
                "profile-field-empty",
                "address-field",
                "profile-not-object",
                "address-not-object",
                "unknown-nested",
                "profile-missing",
            ]
        )
    )
    profile_field = draw(st.sampled_from(PROFILE_TEXT_FIELDS))
    address_field = draw(st.sampled_from(ADDRESS_FIELDS))
    if kind == "unattested":
        props["attestation_accepted"] = draw(st.sampled_from([False, None]))
        if props["attestation_accepted"] is None:
            del props["attestation_accepted"]
        return props, "attestation_accepted"
    if kind == "attestation-type":
        props["attestation_accepted"] = draw(not_bool)
        return props, "attestation_accepted"
    if kind == "submit-type":
        props["submit"] = draw(not_bool)
        return props, "submit"
    if kind == "website":
        bad = draw(
            st.one_of(
                st.sampled_from(
                    [
                        "acme.example",
                        "ftp://acme.example",
                        "https://",
                        "http:// spaced.example",
                        "javascript:alert(1)",
                    ]
                ),
                st.text(max_size=20).filter(lambda s: not s.startswith("http")),
            )
        )
        return props, nested("business_profile.website", bad, props)
    if kind == "email":
        bad = draw(
            st.one_of(
                st.sampled_from(["ada", "ada@", "@acme.example", "a b@c.d"]),
                st.text(max_size=12).filter(lambda s: "@" not in s),
            )
        )
        return props, nested("authorized_representative.email", bad, props)
    if kind == "phone":
        return props, nested("authorized_representative.phone", draw(not_e164), props)
    if kind == "profile-field-type":
        return props, nested(f"business_profile.{profile_field}", draw(not_strings), props)
    if kind == "profile-field-missing":
        return props, nested(f"business_profile.{profile_field}", ..., props)
    if kind == "profile-field-empty":
        return props, nested(
            f"business_profile.{profile_field}", draw(st.sampled_from(["", " ", "\t\n"])), props
        )
    if kind == "address-field":
        value = draw(st.one_of(st.just(...), st.just(""), not_strings))
        return props, nested(f"business_profile.address.{address_field}", value, props)
    if kind == "profile-not-object":
        props["business_profile"] = draw(
            st.one_of(st.text(max_size=5), st.lists(st.integers()), st.floats(allow_nan=False))
        )
        return props, "business_profile"
    if kind == "address-not-object":
        return props, nested("business_profile.address", draw(st.text(max_size=9)), props)
    if kind == "unknown-nested":
        name = draw(unknown_names.filter(lambda n: n not in PROFILE and n != "registration_id"))
        return props, nested(f"business_profile.{name}", "x", props)
    del props["business_profile"]
    return props, "business_profile"


# ------------------------------------------------------------------------ the tests


@pytest.fixture(scope="module")
def checker(host_pool: HostPool) -> Iterator[Engine]:
    """One host for all checks: Check keeps no state and makes no call."""
    engine = host_pool.take(name="checks")
    yield engine
    close_later(engine)


@pytest.fixture
def quiet_api(platform: RunningSandbox) -> Iterator[RunningSandbox]:
    """The sandbox; at the end its request log must still be empty."""
    yield platform
    log = platform.control.request_log()
    FIGURES.add("bad_input_api_calls", len(log))
    assert log == [], f"Check called the API: {log}"


def assert_rejected(checker: Engine, token: str, props: dict[str, Any], culprit: str) -> None:
    FIGURES.add("bad_inputs")
    # an exception would raise EngineError here
    result = checker.check(token, "bad", {}, program_inputs(token, props))
    named = {prop for prop, _ in result.failures}
    assert culprit in named, f"{culprit} not named for {props!r}: {result.failures}"
    assert all(isinstance(reason, str) and reason for _, reason in result.failures)


def breakers_test(token: str, valid: st.SearchStrategy[dict[str, Any]], breakers: list[Any]) -> Any:
    @SETTINGS
    @given(data=st.data())
    def test(checker: Engine, quiet_api: RunningSandbox, data: st.DataObject) -> None:
        props = data.draw(valid, label="valid inputs")
        broken = data.draw(st.sampled_from(breakers), label="how it is broken")
        culprit = broken(props, data.draw(broken.values, label="bad value"))
        assert_rejected(checker, token, props, culprit)

    return test


test_phone_number_bad_input_is_a_check_failure_naming_the_property = breakers_test(
    PHONE, valid_phone(), PHONE_BREAKERS
)
test_sip_trunk_number_bad_input_is_a_check_failure_naming_the_property = breakers_test(
    SIP, valid_sip(), SIP_BREAKERS
)


@SETTINGS
@given(case=broken_kyb())
def test_business_verification_bad_input_is_a_check_failure_naming_the_property(
    checker: Engine, quiet_api: RunningSandbox, case: tuple[dict[str, Any], str]
) -> None:
    props, culprit = case
    assert_rejected(checker, KYB, props, culprit)


@SETTINGS
@given(data=st.data())
def test_several_broken_properties_are_each_named(
    checker: Engine, quiet_api: RunningSandbox, data: st.DataObject
) -> None:
    props = data.draw(valid_sip())
    culprits = set()
    for key, values in data.draw(
        st.lists(
            st.sampled_from(
                [
                    ("e164", not_e164),
                    ("label", overlong),
                    ("direction", not_direction),
                    ("sip_provider_name", not_strings),
                ]
            ),
            min_size=2,
            max_size=4,
            unique_by=lambda kv: kv[0],
        )
    ):
        props[key] = data.draw(values)
        culprits.add(key)
    FIGURES.add("bad_inputs")
    named = {prop for prop, _ in checker.check(SIP, "bad", {}, program_inputs(SIP, props)).failures}
    assert culprits <= named


def with_unknowns(props: dict[str, Any], data: st.DataObject, keys: list[str]) -> dict[str, Any]:
    """``props`` with some of its values (among ``keys``) not known yet, as in preview."""
    present = [key for key in keys if key in props]
    if not present:
        return props
    chosen = data.draw(st.lists(st.sampled_from(present), unique=True, max_size=len(present)))
    return {**props, **{key: UNKNOWN for key in chosen}}


@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_valid_inputs_with_unknowns_pass_check_in_preview_without_a_call(
    checker: Engine, quiet_api: RunningSandbox, data: st.DataObject
) -> None:
    sip = with_unknowns(
        data.draw(valid_sip()),
        data,
        ["e164", "agent_id", "label", "sip_connection_installation_id"],
    )
    assert checker.check(SIP, "preview", {}, program_inputs(SIP, sip)).failures == []
    phone = data.draw(valid_phone())
    phone = with_unknowns(phone, data, ["e164", "area_code", "label", "agent_id"])
    assert checker.check(PHONE, "preview", {}, program_inputs(PHONE, phone)).failures == []
    kyb = data.draw(valid_kyb())
    kyb["business_profile"] = {**kyb["business_profile"], "website": UNKNOWN}
    assert checker.check(KYB, "preview", {}, program_inputs(KYB, kyb)).failures == []


# ------------------------------------------------------------------------ bugs found here (fixed)


@pytest.mark.parametrize("direction", [["inbound"], {"inbound": True}], ids=["list", "object"])
@pytest.mark.parametrize("token", [PHONE, SIP])
def test_a_list_or_object_direction_is_a_check_failure(
    checker: Engine, quiet_api: RunningSandbox, token: str, direction: Any
) -> None:
    props = {"e164": "+14155550100", "sip_trunk_id": "t"} if token == SIP else {"area_code": "415"}
    assert_rejected(checker, token, {**props, "direction": direction}, "direction")


@pytest.mark.parametrize("guard", ["max_upfront_cost_usd", "max_monthly_cost_usd"])
def test_a_boolean_cost_guard_is_a_check_failure(
    checker: Engine, quiet_api: RunningSandbox, guard: str
) -> None:
    assert_rejected(checker, PHONE, {"area_code": "415", guard: False}, guard)
