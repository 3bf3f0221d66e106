"""A user's program, the one the tests beside it test: the phones of a clinic.

A business verification (managed purchases need one filed) of the clinic's details in
`business.json`, a number bought in area code 415 that the booking agent answers (told
the desk by the call's dispatch metadata), and the clinic's own SIP-trunk number routed
to the support agent. The support line's label comes from the stack config.
"""

import json
from pathlib import Path

import pulumi
from pulumi_speko import BusinessVerification, PhoneNumber, SipTrunkPhoneNumber

config = pulumi.Config()
# The business profile and its representative, kept as data beside the program.
business = json.loads((Path(__file__).parent / "business.json").read_text())

verification = BusinessVerification(
    "clinic-verification",
    business_profile=business["business_profile"],
    authorized_representative=business["authorized_representative"],
    attestation_accepted=True,
    submit=True,
)

booking_line = PhoneNumber(
    "booking-line",
    area_code="415",
    direction="inbound",
    agent_id="agent_sales",
    # Sent with each call, so the receptionist knows which desk was dialled.
    dispatch_metadata_template={"clinic": "Harbor Clinic", "desk": "bookings"},
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
