"""Quickstart: verify the business, then buy one number that an AI agent answers.

Managed purchases are gated on a filed business verification, so the number
`depends_on` it. Credentials come from the stack config (`speko:apiKey`, a secret, and
`speko:baseUrl`) or from SPEKO_API_KEY / SPEKO_BASE_URL.
"""

import pulumi
from pulumi_speko import (
    AddressArgs,
    AuthorizedRepresentativeArgs,
    BusinessProfileArgs,
    BusinessVerification,
    PhoneNumber,
)

verification = BusinessVerification(
    "business-verification",
    business_profile=BusinessProfileArgs(
        legal_name="Acme Voice LLC",
        display_name="Acme Voice",
        entity_type="llc",
        country="US",
        website="https://acme.example",
        address=AddressArgs(
            street="1 Market Street",
            city="San Francisco",
            state="CA",
            postal_code="94105",
            country="US",
        ),
        use_case="Inbound sales calls answered by an AI agent",
        expected_usage="About 200 inbound calls a day, business hours",
    ),
    authorized_representative=AuthorizedRepresentativeArgs(
        name="Ada Lovelace",
        title="Head of Operations",
        email="ada@acme.example",
    ),
    attestation_accepted=True,
    submit=True,
)

# The first affordable number in area code 415, answered by the sales agent.
# Destroying this resource releases the number for good; in production add
# `protect=True` to its ResourceOptions so `pulumi destroy` refuses to release it.
sales_line = PhoneNumber(
    "sales-line",
    area_code="415",
    direction="inbound",
    agent_id="agent_sales",
    label="Sales (quickstart)",
    max_upfront_cost_usd=5,
    max_monthly_cost_usd=5,
    opts=pulumi.ResourceOptions(depends_on=[verification]),
)

pulumi.export("phone_number", sales_line.e164)
pulumi.export("setup_status", sales_line.setup_status.apply(lambda status: status["status"]))
pulumi.export("verification_status", verification.status)
