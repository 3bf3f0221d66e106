"""``BusinessVerification``: the organization's verification submission (KYB).

Managed purchases need it ``submitted`` (or ``approved``). The platform keeps one
current submission per organization and has no delete: destroying the resource removes
it from the stack only.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from pulumi_speko.api.errors import SpekoError
from pulumi_speko.api.models import (
    VerificationDraft,
    VerificationOverview,
    VerificationSubmission,
    VerificationSubmit,
)
from pulumi_speko.constants import BUSINESS_VERIFICATION_TYPE
from pulumi_speko.organization import confirm_same_organization
from pulumi_speko.resources._declare import arg, resource_props
from pulumi_speko.resources._errors import operator_errors
from pulumi_speko.resources._numbers import PLACEHOLDERS
from pulumi_speko.resources._props import (
    PROVIDER_KEY,
    first_per_property,
    is_unknown,
    model_failures,
    same_value,
    type_failure,
    unknown_property_failures,
    user_props,
)
from pulumi_speko.resources._reconcile import post_once
from pulumi_speko.resources._session import ConfiguredProvider

TYPE_TOKEN = BUSINESS_VERIFICATION_TYPE
DESTROY_NOTICE = (
    "BusinessVerification: the platform has no delete for verification submissions; "
    "submission {id} stays on the platform and is only removed from this stack"
)
# Unknown leaves (preview) are validated as these stand-ins, by field name.
_LEAF_PLACEHOLDERS = {
    "website": "https://placeholder.example",
    "email": "unknown@placeholder.example",
    "phone": PLACEHOLDERS["e164"],
}


@dataclass
class AddressArgs:
    """The business's postal address."""

    street: pulumi.Input[str] | None = arg("Street and number.")
    city: pulumi.Input[str] | None = arg("City.")
    state: pulumi.Input[str] | None = arg("State or region.")
    postal_code: pulumi.Input[str] | None = arg("Postal code.")
    country: pulumi.Input[str] | None = arg("Country (ISO 3166-1 alpha-2, e.g. `US`).")


@dataclass
class BusinessProfileArgs:
    """Who the business is and how it will use its numbers."""

    legal_name: pulumi.Input[str] | None = arg("Registered legal name.")
    display_name: pulumi.Input[str] | None = arg("Name callers know the business by.")
    entity_type: pulumi.Input[str] | None = arg("Legal form, e.g. `llc`, `corporation`.")
    country: pulumi.Input[str] | None = arg("Country of registration.")
    registration_id: pulumi.Input[str] | None = arg("Registration or tax id (optional).")
    website: pulumi.Input[str] | None = arg("Website, an http(s) URL.")
    address: pulumi.Input[AddressArgs | Mapping[str, Any]] | None = arg("Postal address.")
    use_case: pulumi.Input[str] | None = arg("What the numbers are used for.")
    expected_usage: pulumi.Input[str] | None = arg("Expected call volume and pattern.")


@dataclass
class AuthorizedRepresentativeArgs:
    """The person who vouches for the business."""

    name: pulumi.Input[str] | None = arg("Full name.")
    title: pulumi.Input[str] | None = arg("Job title.")
    email: pulumi.Input[str] | None = arg("Email address.")
    phone: pulumi.Input[str] | None = arg("Phone, in E.164 (optional).")


@dataclass
class BusinessVerificationArgs:
    """Inputs of the ``BusinessVerification``."""

    business_profile: pulumi.Input[BusinessProfileArgs | Mapping[str, Any]] | None = arg(
        "The business profile. Changing it re-submits (the review starts over)."
    )
    authorized_representative: (
        pulumi.Input[AuthorizedRepresentativeArgs | Mapping[str, Any]] | None
    ) = arg("The authorized representative. Changing it re-submits.")
    attestation_accepted: pulumi.Input[bool] | None = arg(
        "The representative attests the profile is true. Must be true to submit."
    )
    submit: pulumi.Input[bool] | None = arg(
        "Submit for review (true) or keep a draft (false).", default=True
    )
    resubmit_token: pulumi.Input[str] | None = arg(
        "Any string; changing it files the same verification again, in place (a submit "
        "restarts the review). Use it after the platform rejected or revoked the "
        "verification and the cause was fixed outside the inputs, e.g. set it to the "
        "date of the new attempt. It is not sent to the platform."
    )


INPUT_NAMES: tuple[str, ...] = tuple(BusinessVerificationArgs.__dataclass_fields__)
SUBMITTED_INPUTS: tuple[str, ...] = tuple(VerificationSubmit.model_fields)
"""The inputs sent to the platform (the others steer the provider)."""
OUTPUT_NAMES = (
    "status",
    "submission_id",
    "submitted_at",
    "attested_at",
    "rejection_reason",
    "organization_id",
    "created_at",
    "updated_at",
)


def _with_placeholders(value: Any, path: str, held: set[str]) -> Any:
    """``value`` with unknown leaves replaced by valid stand-ins (paths go to ``held``)."""
    if is_unknown(value):
        held.add(path)
        return _LEAF_PLACEHOLDERS.get(path.rsplit(".", 1)[-1], "unknown")
    if isinstance(value, Mapping):
        return {k: _with_placeholders(v, f"{path}.{k}", held) for k, v in value.items()}
    return value


def _check_failures(news: Mapping[str, Any]) -> list[CheckFailure]:
    failures = unknown_property_failures(news, INPUT_NAMES)
    for name in ("attestation_accepted", "submit"):
        failures += type_failure(name, news.get(name), bool, "a boolean")
    failures += type_failure("resubmit_token", news.get("resubmit_token"), str, "a string")
    held: set[str] = set()
    payload = {
        name: _with_placeholders(news[name], name, held)
        for name in ("business_profile", "authorized_representative")
        if news.get(name) is not None
    }
    # The draft model holds every rule of the profile and representative; the submit
    # model adds only the attestation, checked here so its message can offer the draft.
    failures += model_failures(
        VerificationDraft, payload, model_level_property="business_profile", skip=held
    )
    submit, attested = news.get("submit", True), news.get("attestation_accepted")
    if submit is True and attested is not True and not is_unknown(attested):
        failures.append(
            CheckFailure(
                "attestation_accepted",
                "must be true to submit a business verification (or set submit=False to "
                "keep a draft)",
            )
        )
    return failures


def _outputs(submission: VerificationSubmission, props: Mapping[str, Any]) -> dict[str, Any]:
    live = submission.model_dump(mode="json", by_alias=False, exclude_none=True)
    outs: dict[str, Any] = {
        "business_profile": live.get("business_profile", props.get("business_profile")),
        "authorized_representative": live.get(
            "authorized_representative", props.get("authorized_representative")
        ),
        "attestation_accepted": live.get("attestation_accepted", props.get("attestation_accepted")),
        "submit": props.get("submit", True),
        "resubmit_token": props.get("resubmit_token"),
        "submission_id": submission.id,
    }
    outs.update({name: live.get(name) for name in OUTPUT_NAMES if name != "submission_id"})
    return outs


def _implied_inputs(
    submission: VerificationSubmission, props: Mapping[str, Any]
) -> dict[str, Any]:
    live = submission.model_dump(mode="json", by_alias=False, exclude_none=True)
    inputs = {name: live[name] for name in INPUT_NAMES if name in live}
    inputs["submit"] = submission.status != "draft"
    if props.get("resubmit_token") is not None:  # program-only: the platform never sees it
        inputs["resubmit_token"] = props["resubmit_token"]
    return inputs


class BusinessVerificationProvider(ConfiguredProvider):
    """Dynamic provider of the verification submission (module path kept stable)."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate the profile, the representative and the attestation before any call."""
        inputs = user_props(news)
        inputs.setdefault("submit", True)
        inputs[PROVIDER_KEY] = news.get(PROVIDER_KEY)
        return CheckResult(inputs, first_per_property(_check_failures(news)))

    def changed_properties(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """The inputs whose value changes."""
        old_props, new_props = user_props(olds), user_props(news)
        new_props.setdefault("submit", True)
        return [
            name for name in INPUT_NAMES if not same_value(old_props.get(name), new_props.get(name))
        ]

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Any change updates in place (one submission per organization, never replaced)."""
        changed = self.changed_properties(olds, news)
        return DiffResult(
            changes=bool(changed), replaces=[], stables=[], delete_before_replace=False
        )

    @operator_errors("file BusinessVerification")
    def create(self, props: dict[str, Any]) -> CreateResult:
        """Submit (or save a draft of) the verification."""
        inputs = user_props(props)
        submission = self._file(inputs)
        return CreateResult(submission.id, _outputs(submission, inputs))

    @operator_errors("update BusinessVerification")
    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """File the changed verification again (a submit restarts the review)."""
        inputs = user_props(news)
        return UpdateResult(_outputs(self._file(inputs), inputs))

    @operator_errors("read BusinessVerification")
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The organization's current submission, as it is live."""
        what = f"BusinessVerification {id_}"
        overview = self.session().client.get_business_verification()
        if overview.submission is None:
            self.confirm_gone(what, props)
            return ReadResult(None, {})
        submission, old = overview.submission, user_props(props)
        recorded = props.get("organization_id")
        if isinstance(recorded, str):  # another organization's submission is not this one
            confirm_same_organization(
                recorded, submission.organization_id, f"{what} in the stack's state"
            )
        outs = _outputs(submission, old)
        return ReadResult(submission.id, outs, _implied_inputs(submission, old))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """The platform has no delete: say so, and let the engine drop it from the stack."""
        # The provider host has no engine connection, so pulumi.log would print this same
        # line to stderr; print it once, directly.
        print(f"warning: {DESTROY_NOTICE.format(id=id_)}", file=sys.stderr)

    def _file(self, inputs: Mapping[str, Any]) -> VerificationSubmission:
        client = self.session().client
        body = {name: inputs.get(name) for name in SUBMITTED_INPUTS if inputs.get(name) is not None}
        if inputs.get("submit", True) is False:
            return client.save_business_verification_draft(VerificationDraft.model_validate(body))
        submit_body = VerificationSubmit.model_validate(body)
        return self._submit_once(submit_body)

    def _submit_once(self, body: VerificationSubmit) -> VerificationSubmission:
        """POST the submission; after a lost answer, the current submission is this one
        if it landed (the same reconcile rule as the numbers' creates)."""
        client = self.session().client

        def find() -> VerificationSubmission | None:
            current = client.get_business_verification().submission
            return current if _is_this_submission(current, body) else None

        return post_once(
            lambda: client.submit_business_verification(body), find, _unknown_submit_outcome
        )


def _unknown_submit_outcome(cause: SpekoError, failure: SpekoError) -> str:
    return (
        f"file BusinessVerification: the submission may have been filed ({cause}) and reading "
        f"the verification to check failed ({failure}); run pulumi up again: filing the same "
        "verification again costs nothing and keeps one current submission"
    )


def _is_this_submission(current: VerificationSubmission | None, body: VerificationSubmit) -> bool:
    return (
        current is not None
        and current.status in ("submitted", "approved")
        and current.business_profile == body.business_profile
        and current.authorized_representative == body.authorized_representative
    )


def verification_hint(overview: VerificationOverview) -> str:
    """What to do about a purchase refused for verification, given the live status."""
    submission = overview.submission
    if overview.status == "draft":
        return (
            "the business verification is a draft: set submit=True (with "
            "attestation_accepted=True) on the BusinessVerification and run pulumi up"
        )
    if overview.status == "rejected":
        reason = (submission.rejection_reason if submission else None) or "no reason given"
        return (
            f"the business verification was rejected: {reason}; fix what it names (a change "
            "of business_profile or authorized_representative submits again), or, if it was "
            "fixed outside them, change resubmit_token on the BusinessVerification to submit "
            "it again"
        )
    if overview.status == "revoked":
        return (
            "the business verification was revoked; once the cause is settled with the "
            "platform, change resubmit_token on the BusinessVerification (or its data) to "
            "submit it again"
        )
    if overview.status in ("submitted", "approved"):
        return f"the business verification is {overview.status} now; run pulumi up again"
    return (
        "no business verification is filed: declare a BusinessVerification with "
        "submit=True and make purchases depend on it"
    )


class BusinessVerification(pulumi.dynamic.Resource, module="speko", name="BusinessVerification"):
    """The organization's business verification (type token
    ``pulumi-python:dynamic/speko:BusinessVerification``).

    Every change updates in place by filing again; a submit starts the review over.
    Changing ``resubmit_token`` files the same data again (after a rejection or revocation).
    Destroying it removes it from the stack only: the platform keeps the submission.
    """

    business_profile: pulumi.Output[dict[str, Any]]
    authorized_representative: pulumi.Output[dict[str, Any]]
    attestation_accepted: pulumi.Output[bool | None]
    submit: pulumi.Output[bool]
    resubmit_token: pulumi.Output[str | None]
    status: pulumi.Output[str]
    submission_id: pulumi.Output[str]
    submitted_at: pulumi.Output[str | None]
    attested_at: pulumi.Output[str | None]
    rejection_reason: pulumi.Output[str | None]
    organization_id: pulumi.Output[str]
    created_at: pulumi.Output[str | None]
    updated_at: pulumi.Output[str | None]

    @overload
    def __init__(
        self,
        resource_name: str,
        args: BusinessVerificationArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        *,
        business_profile: pulumi.Input[BusinessProfileArgs | Mapping[str, Any]] | None = None,
        authorized_representative: (
            pulumi.Input[AuthorizedRepresentativeArgs | Mapping[str, Any]] | None
        ) = None,
        attestation_accepted: pulumi.Input[bool] | None = None,
        submit: pulumi.Input[bool] | None = None,
        resubmit_token: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: BusinessVerificationArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declare the verification from ``args`` or keyword arguments (the fields of
        :class:`BusinessVerificationArgs`; at run time both may be given, keywords win)."""
        props = resource_props(
            "BusinessVerification", args, BusinessVerificationArgs, kwargs, OUTPUT_NAMES
        )
        super().__init__(BusinessVerificationProvider(), resource_name, props, opts)
