"""Facts every layer shares, stated once: type tokens, the E.164 pattern, enums, defaults.

This module imports nothing, so any layer may import it (``api``, ``resources``,
``sandbox``, ``policy``, ``audit``) without pulling in another: the sandbox still shares
no code with the client's wire models. The values restate
``openapi/phone-numbers.openapi.json`` where they come from the API; tests/contract
checks that they agree with it.
"""

TYPE_TOKEN_PREFIX = "pulumi-python:dynamic/speko:"
"""Start of the runtime type token of every dynamic resource of this package."""

PHONE_NUMBER_TYPE = TYPE_TOKEN_PREFIX + "PhoneNumber"
SIP_TRUNK_PHONE_NUMBER_TYPE = TYPE_TOKEN_PREFIX + "SipTrunkPhoneNumber"
BUSINESS_VERIFICATION_TYPE = TYPE_TOKEN_PREFIX + "BusinessVerification"
NUMBER_TYPES = frozenset({PHONE_NUMBER_TYPE, SIP_TRUNK_PHONE_NUMBER_TYPE})
"""The type tokens of the two number resources."""

NATIVE_TYPE_PREFIX = "speko:index:"
"""Start of the type token of every resource the native plugin serves (camelCase
properties); ``pulumi_speko.families`` maps them onto the dynamic tokens above."""

PROVIDER_KEY = "__provider"
"""The property under which Pulumi stores a dynamic resource's pickled provider."""

E164_PATTERN = r"^\+[1-9][0-9]{7,14}$"
"""E.164 as the platform accepts it: ``+``, then 8 to 15 digits, the first not 0.

``[0-9]``, not ``\\d``: a digit class accepts any Unicode digit (Arabic-Indic ones, for
instance). With Python's ``re``, match it with ``fullmatch``: ``$`` alone lets a trailing
newline through."""

DIRECTIONS = ("inbound", "outbound", "both")
"""Which calls a number takes."""

INBOUND_DIRECTIONS = frozenset({"inbound", "both"})
"""The directions that take inbound calls (such a number needs an agent or a template)."""

OUTBOUND_DIRECTIONS = frozenset({"outbound", "both"})
"""The directions that place outbound calls."""

SOURCES = ("managed", "sip_trunk")
"""How the organization holds a number: bought on the platform, or its own SIP trunk."""

VERIFICATION_STATUSES = ("missing", "draft", "submitted", "approved", "rejected", "revoked")
"""The organization's business-verification status (``missing``: nothing filed)."""

SUBMISSION_STATUSES = VERIFICATION_STATUSES[1:]
"""The status of a verification submission (every status but ``missing``)."""

DEFAULT_BASE_URL = "https://api.speko.dev"
"""Where the platform's API is when ``speko:baseUrl`` / ``SPEKO_BASE_URL`` are not set."""

DEFAULT_TIMEOUT_SECONDS = 30.0
"""Seconds one HTTP request may take when ``speko:timeout`` / ``SPEKO_TIMEOUT`` are not set."""

CONFIG_API_KEY = "speko:apiKey"
CONFIG_BASE_URL = "speko:baseUrl"
CONFIG_TIMEOUT = "speko:timeout"
CONFIG_ORGANIZATION_ID = "speko:organizationId"
CONFIG_ALLOW_INSECURE_HTTP = "speko:allowInsecureHttp"
CONFIG_RATE_LIMIT_WAIT = "speko:rateLimitWaitSeconds"
ENV_API_KEY = "SPEKO_API_KEY"
ENV_BASE_URL = "SPEKO_BASE_URL"
ENV_TIMEOUT = "SPEKO_TIMEOUT"
ENV_ORGANIZATION_ID = "SPEKO_ORGANIZATION_ID"
ENV_ALLOW_INSECURE_HTTP = "SPEKO_ALLOW_INSECURE_HTTP"
ENV_RATE_LIMIT_WAIT = "SPEKO_RATE_LIMIT_WAIT_SECONDS"
