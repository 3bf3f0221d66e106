"""A user's program, the one the tests beside it test: the phones of a clinic.

A business verification (managed purchases need one filed), a number bought in area
code 415 that the booking agent answers, and the clinic's own SIP-trunk number routed to
the support agent. The support line's label comes from the stack config.
"""

import pulumi
from pulumi_speko import (
    AddressArgs,
    AuthorizedRepresentativeArgs,
    BusinessProfileArgs,
    BusinessVerification,
    PhoneNumber,
    SipTrunkPhoneNumber,
)

config = pulumi.Config()

verification = BusinessVerification(
    "clinic-verification",
    business_profile=BusinessProfileArgs(
        legal_name="Harbor Clinic Ltd",
        display_name="Harbor Clinic",
        entity_type="corporation",
        country="US",
        website="https://harbor-clinic.example",
        address=AddressArgs(
            street="200 Embarcadero",
            city="San Francisco",
            state="CA",
            postal_code="94111",
            country="US",
        ),
        use_case="Patients book appointments with an AI receptionist",
        expected_usage="About 80 inbound calls a day",
    ),
    authorized_representative=AuthorizedRepresentativeArgs(
        name="Grace Hopper",
        title="Practice Manager",
        email="grace@harbor-clinic.example",
    ),
    attestation_accepted=True,
    submit=True,
)

booking_line = PhoneNumber(
    "booking-line",
    area_code="415",
    direction="inbound",
    agent_id="agent_sales",
    label="Bookings",
    max_upfront_cost_usd=5,
    max_monthly_cost_usd=5,
    opts=pulumi.ResourceOptions(depends_on=[verification]),
)

support_line = SipTrunkPhoneNumber(
    "support-line",
    e164="+442071838750",
    sip_connection_installation_id="sci_demo",
    sip_provider_name="Twilio",
    direction="both",
    agent_id="agent_support",
    label=config.get("supportLabel") or "Support",
)

pulumi.export("booking_number", booking_line.e164)
pulumi.export("support_number", support_line.e164)
