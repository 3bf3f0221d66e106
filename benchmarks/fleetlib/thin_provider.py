"""The thinnest dynamic provider that can do the fleet's work: the SDK's floor.

Each operation is one call of the bare :class:`pulumi_speko.api.Client` (the baseline's
own call), made from the SDK's provider host: no input checks, no list cache, no
adoption, no error translation. What it costs over the bare client is what the host
(``python -m pulumi.dynamic``) and its gRPC hop cost any dynamic provider, whatever its
code; the real provider's time over this one is what the provider's own code costs.

The class is pickled by reference, like the real providers, so the host imports this
module: the host needs ``benchmarks/`` on its ``PYTHONPATH`` (:data:`HOST_PYTHONPATH`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult
from pulumi_speko.api import Client, PhoneNumberImport, PhoneNumberRecord, PhoneNumberUpdate
from pulumi_speko.resources import ConfiguredProvider

HOST_PYTHONPATH: Final = str(Path(__file__).resolve().parents[1])
"""The folder the host must import ``fleetlib`` from."""


class ThinSipTrunkProvider(ConfiguredProvider):
    """SIP-trunk imports with one bare client call per operation (not for real use).

    Its base, shared with the real providers, only reads the stack config and holds the
    process's one keep-alive client; nothing of theirs runs on its calls.
    """

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Accept the inputs as they are."""
        return CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Changed when the label differs (the only input the fleet changes)."""
        return DiffResult(changes=olds.get("label") != news.get("label"))

    def create(self, props: dict[str, Any]) -> CreateResult:
        """``import_phone_number``."""
        number = self._client().import_phone_number(
            PhoneNumberImport(
                e164=props["e164"],
                sip_connection_installation_id=props["sip_connection_installation_id"],
                sip_provider_name=props["sip_provider_name"],
                label=props.get("label"),
            )
        )
        return CreateResult(number.id, _outputs(number))

    def read(self, id_: str, _props: dict[str, Any]) -> ReadResult:
        """``get_phone_number`` (one GET per resource, as a naive provider refreshes)."""
        number = self._client().get_phone_number(id_)
        return ReadResult(number.id, _outputs(number))

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """``update_phone_number`` of the label."""
        number = self._client().update_phone_number(id_, PhoneNumberUpdate(label=news["label"]))
        return UpdateResult(_outputs(number))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """``release_phone_number``."""
        self._client().release_phone_number(id_)

    def _client(self) -> Client:
        return self.session().client


def _outputs(number: PhoneNumberRecord) -> dict[str, Any]:
    return number.model_dump(mode="json", exclude_none=True)
