"""A faithful local emulator of the Speko Phone Numbers API (``pulumi-speko sandbox``).

Built like moto: ``store`` owns the data and every rule of the contract (SQLite, no
HTTP), ``app`` serves the ten endpoints, ``control`` offers what only the platform can do
under ``/_sandbox``, ``faults`` injects errors, latency and dropped connections, and
``server`` assembles and serves them. This package imports nothing heavy; FastAPI and
uvicorn (the ``sandbox`` extra) load with ``server``.
"""

from pulumi_speko.sandbox.seed import (
    DEFAULT_ADMIN_TOKEN,
    DEMO_API_KEY,
    DEMO_ORG,
    OTHER_API_KEY,
    OTHER_ORG,
)

__all__ = ["DEFAULT_ADMIN_TOKEN", "DEMO_API_KEY", "DEMO_ORG", "OTHER_API_KEY", "OTHER_ORG"]
