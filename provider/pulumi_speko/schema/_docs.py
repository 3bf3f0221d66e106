"""Descriptions the code does not carry itself: package texts and response fields.

Args fields document themselves (``arg(description)``); the wire models of responses
have no descriptions, so theirs live here, keyed by ``"Owner.property"`` (the resource,
type or function output that holds it) or by the bare property name when it means the
same everywhere. Only the wording comes from here: which properties exist, and their
types, come from the code.
"""

from __future__ import annotations

from pulumi_speko.api.models import LABEL_MAX_LENGTH, SEARCH_LIMIT_MAX, SEARCH_LIMIT_MIN

DISPLAY_NAME = "Speko"
LICENSE = "Apache-2.0"
KEYWORDS = (
    "pulumi",
    "speko",
    "phone-numbers",
    "telephony",
    "voice-agents",
    "communications",
    "category/utility",
)
PACKAGE_DESCRIPTION = (
    "Phone numbers, call routing and business verification of the Speko voice-agent "
    "platform, managed as code. This is the schema the `speko` provider plugin "
    "(`pulumi-resource-speko`) serves: property names are camelCase at every depth "
    "(`setupStatus.inboundReady`), as in every Pulumi package, so SDKs generated from it "
    "are idiomatic (snake_case in Python). The hand-written Python package `pulumi_speko` "
    "offers the same resources as dynamic providers, with snake_case properties."
)
NODEJS_PACKAGE = "@speko/pulumi"
PYTHON_SDK_PACKAGE = "pulumi_speko_sdk"
GO_IMPORT_BASE_PATH = "github.com/speko-ai/pulumi-speko/sdk/go/speko"
CSHARP_ROOT_NAMESPACE = "Speko.Pulumi"
PROVIDER_DESCRIPTION = (
    "The `speko` provider. The default provider reads the `speko:*` stack config (`apiKey`, "
    "`baseUrl`, ...), else the `SPEKO_*` environment variables; an explicit provider "
    "resource takes the same settings as inputs. The API key is a secret and is never "
    "written to outputs, logs or errors."
)
API_KEY_DESCRIPTION = (
    "The organization's Speko API key. Set it as a secret (`pulumi config set --secret "
    "speko:apiKey ...`) or in `SPEKO_API_KEY`. It is the only secret of the package: no "
    "resource property holds a credential, and dispatch metadata templates are plain "
    "values."
)
BASE_URL_DESCRIPTION = (
    "Base URL of the Speko API; point it at a local sandbox (`pulumi-speko sandbox`) to "
    "try a stack without a real organization."
)
FUNCTION_NOTE = (
    "Served by the `speko` plugin's Invoke; the hand-written Python package offers the "
    "same call as the plain function `pulumi_speko.{python_name}`."
)
RESOURCE_NOTE = (
    "`{schema_token}` is served by the `speko` plugin. The hand-written Python package "
    "offers the same resource as a dynamic provider, `pulumi_speko.{name}`, whose type "
    "in state, `pulumi stack export` files and policy packs is `{runtime_token}`."
)
RENAMED_TYPE_NOTE = (
    "The Python class is `{module}.{name}`, renamed here so as not to clash with the "
    "resource `{resource_token}`."
)
TIMESTAMP_NOTE = "An ISO 8601 date and time."

_NUMBER_DOCS = {
    "id": "The platform's id of the number (the resource id of the resources).",
    "organization_id": "The organization that holds it.",
    "e164": "The number, in E.164.",
    "source": "How it came in: bought from the platform, or imported from a SIP trunk.",
    "provider_resource_id": "The carrier's id of the number.",
    "telnyx_phone_number_id": "Deprecated alias of `provider_resource_id`.",
    "sip_trunk_id": "The SIP trunk of an imported number (deprecated by the platform).",
    "sip_connection_installation_id": "The SIP connection installation of an imported number.",
    "sip_provider_name": "Display name of the SIP provider of an imported number.",
    "direction": "Which calls the number takes.",
    "agent_id": "The agent that answers the number.",
    "label": f"A label of at most {LABEL_MAX_LENGTH} characters.",
    "dispatch_metadata_template": (
        "Metadata sent with each dispatched call; plain values, never a secret."
    ),
    "sms10dlc_profile_id": "The 10DLC messaging profile the number is assigned to.",
    "sms_campaign_id": "The messaging campaign the number is assigned to.",
    "sms_assignment_status": (
        "Where the messaging assignment stands (`FAILED_ASSIGNMENT`, `PENDING_ASSIGNMENT`, "
        "`ASSIGNED`, `PENDING_UNASSIGNMENT`, `FAILED_UNASSIGNMENT`)."
    ),
    "sms_assignment_updated_at": "When the messaging assignment last changed.",
    "setup_status": "Readiness of the number, derived by the platform.",
    "next_charge_at": "When the next monthly charge is due.",
    "last_charged_at": "When the number was last charged.",
    "suspended_at": "When the number was suspended; unset while it is active.",
    "created_at": "When the platform created the record.",
    "updated_at": "When the platform last changed the record.",
}

_VERIFICATION_DOCS = {
    "BusinessVerification.status": (
        "Where the review stands: a draft, submitted, or the platform's outcome."
    ),
    "submission_id": "The platform's id of the submission (also the resource id).",
    "submitted_at": "When it was last submitted for review.",
    "attested_at": "When the representative attested the profile.",
    "rejection_reason": "Why the platform rejected it, when it did.",
    "VerificationSubmission.id": "The platform's id of the submission.",
    "VerificationSubmission.status": "Where the review stands.",
    "VerificationSubmission.business_profile": "The business profile as filed.",
    "VerificationSubmission.authorized_representative": "The representative as filed.",
    "VerificationSubmission.attestation_accepted": "Whether the attestation was accepted.",
    "VerificationSubmission.organization_id": "The organization the submission belongs to.",
    "slack_notification_status": "Whether the platform queued its internal review notice.",
    "slack_notification_job_id": "The job of the platform's internal review notice.",
    "slack_notification_error": "Why the platform's internal review notice failed, if it did.",
    "VerificationPrefill.business_profile": (
        "Business profile fields the platform suggests, as it sends them (camelCase keys)."
    ),
    "VerificationPrefill.authorized_representative": (
        "Representative fields the platform suggests, as it sends them (camelCase keys)."
    ),
    "VerificationOverview.status": (
        "The organization's verification status; `missing` when nothing was ever filed."
    ),
    "VerificationOverview.submission": "The current submission, if any.",
    "VerificationOverview.prefill": "Suggested values for a first submission, if any.",
}

_PURCHASE_DOCS = {
    "PhoneNumber.upfront_cost_usd": (
        "What the purchase cost upfront, in US dollars, as priced when it was bought "
        "(unset for adopted numbers, and for numbers bought by `e164` without cost limits)."
    ),
    "PhoneNumber.monthly_cost_usd": (
        "The monthly price in US dollars, as priced when it was bought (unset as "
        "`upfront_cost_usd` is)."
    ),
    "PhoneNumber.region": (
        "Where the number is, as the search reported it when the provider bought it (unset "
        "as `upfront_cost_usd` is). A new `locality` replaces the number only when this "
        "differs."
    ),
    "friendly_name": "The number formatted for people.",
    "AvailablePhoneNumber.upfront_cost_usd": "Upfront price in US dollars.",
    "AvailablePhoneNumber.monthly_cost_usd": "Monthly price in US dollars.",
    "features": "What the number supports (e.g. `voice`, `sms`).",
    "region": "Where the number is.",
    "Region.state": "State, when known.",
    "Region.locality": "Locality (city), when known.",
    "rate_center": "Rate center, when known.",
}

_SETUP_DOCS = {
    "SetupStatus.status": "Overall readiness: `ready`, `action_required` or `suspended`.",
    "inbound_ready": "Whether inbound calls reach an agent or a dispatch template.",
    "outbound_ready": "Whether the number can place calls.",
    "agent_ready": "Whether an agent is linked.",
    "forwarding_required": "Whether the SIP trunk must forward inbound calls to the platform.",
    "sip_connection_ready": "Whether the SIP connection the number names exists.",
    "issues": "One entry for each readiness flag that the number's direction needs and lacks.",
}

_FUNCTION_INPUT_DOCS = {
    "getAvailablePhoneNumbers.area_code": "Only numbers of this US area code (three digits).",
    "getAvailablePhoneNumbers.locality": "Only numbers of this locality (city).",
    "getAvailablePhoneNumbers.limit": (
        f"At most this many numbers, {SEARCH_LIMIT_MIN} to {SEARCH_LIMIT_MAX} "
        "(the platform answers 10 when unset)."
    ),
}

PROPERTY_DOCS: dict[str, str] = {
    **_NUMBER_DOCS,
    **_VERIFICATION_DOCS,
    **_PURCHASE_DOCS,
    **_SETUP_DOCS,
    **_FUNCTION_INPUT_DOCS,
}


def property_doc(owner: str, name: str) -> str | None:
    """The description of ``name`` in ``owner`` (a resource, type or function name)."""
    return PROPERTY_DOCS.get(f"{owner}.{name}", PROPERTY_DOCS.get(name))


ORGANIZATION_ID_DESCRIPTION = (
    "The organization the API key must belong to (`org_...`); every operation fails, "
    "changing nothing, when the key is another organization's."
)
ALLOW_INSECURE_HTTP_DESCRIPTION = (
    "Allow an `http://` base URL on a host that is not loopback (a private test rig "
    "only: the key would travel in clear text)."
)
RATE_LIMIT_WAIT_DESCRIPTION = (
    "Seconds an operation may spend waiting out `429` answers before it fails."
)
TIMEOUT_DESCRIPTION = (
    "Seconds the provider waits for each API request (connect, send, answer) before "
    "treating it as failed; retries of idempotent calls each get the full timeout."
)
