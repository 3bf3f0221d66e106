"""The harness drives the SDK's provider host through whole resource lifecycles.

One host serves the whole module, as one host serves a whole `pulumi up`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import dummy_provider as dummy
import grpc
import pytest
from pulumi.runtime import rpc
from pulumi_speko.testing.engine import UNKNOWN, EngineError, EngineHost, serialize_provider

TYPE = dummy.TYPE_TOKEN
PROVIDER = serialize_provider(dummy.DummyProvider())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dummy-store")


@pytest.fixture(scope="module")
def host(store: Path) -> Iterator[EngineHost]:
    with EngineHost(cwd=dummy.IMPORT_ROOT, env={dummy.STORE_ENV: str(store)}) as engine:
        engine.configure(
            {"dummy:token": "s3cret-token", "dummy:region": "eu-west"},
            secret_keys=["dummy:token"],
        )
        yield engine


def inputs(name: str, **props: Any) -> dict[str, Any]:
    """A program's inputs for a dummy resource, with the serialized provider."""
    return {"__provider": PROVIDER, "name": name, **props}


def stored(store: Path, id_: str) -> Any:
    return json.loads((store / f"{id_}.json").read_text())


def provision(host: EngineHost, name: str, **props: Any) -> tuple[str, dict[str, Any]]:
    """Check then create, as `pulumi up` does for a new resource."""
    checked = host.check(TYPE, name, {}, inputs(name, **props))
    assert checked.failures == []
    return host.create(TYPE, name, checked.inputs)


def test_config_reaches_provider_with_secrets_plain(host: EngineHost, store: Path) -> None:
    host.check(TYPE, "cfg", {}, inputs("cfg"))

    seen = json.loads((store / "config.json").read_text())
    assert seen == {"dummy:token": "s3cret-token", "dummy:region": "eu-west"}
    assert host.accept_secrets is False


def test_check_returns_failures_by_property(host: EngineHost) -> None:
    news = {"__provider": PROVIDER, "size": -1}

    result = host.check(TYPE, "bad", {}, news)

    assert sorted(result.failures) == [
        ("name", "name is required"),
        ("size", "size must be a non-negative number"),
    ]


def test_check_sees_unknown_objects_and_returns_them_as_unknown(host: EngineHost) -> None:
    news = inputs("pre", size=UNKNOWN, tags=["a", UNKNOWN], meta={"agent": UNKNOWN})

    result = host.check(TYPE, "pre", {}, news)

    assert result.failures == []
    assert result.inputs["unknown_paths"] == ["meta.agent", "size", "tags[1]"]
    assert result.inputs["size"] == UNKNOWN
    assert result.inputs["tags"] == ["a", UNKNOWN]
    assert result.inputs["meta"] == {"agent": UNKNOWN}


def test_create_stores_inputs_and_returns_outputs(host: EngineHost, store: Path) -> None:
    id_, outs = provision(host, "made", size=2, label="front desk")

    assert stored(store, id_) == {"name": "made", "size": 2.0, "label": "front desk"}
    assert outs["label"] == "front desk"
    assert outs["__provider"] == PROVIDER


def test_numbers_arrive_as_floats_and_bools_stay_bools(host: EngineHost) -> None:
    _, outs = provision(host, "nums", size=3, ratio=0.5, exclusive=True, ports=[5060, 5061])

    assert outs["types"] == {
        "name": "str",
        "size": "float",
        "ratio": "float",
        "exclusive": "bool",
        "ports": "list",
    }
    assert outs["ports"] == [5060.0, 5061.0]
    assert all(isinstance(port, float) for port in outs["ports"])


def test_secret_inputs_arrive_plain(host: EngineHost, store: Path) -> None:
    # Straight to create: check's round trip would unwrap the secret on the way back.
    id_, outs = host.create(TYPE, "hush", inputs("hush", note=rpc.wrap_rpc_secret("quiet please")))

    assert stored(store, id_)["note"] == "quiet please"
    assert outs["note"] == "quiet please"


def test_provider_prints_are_captured(host: EngineHost) -> None:
    id_, _ = provision(host, "loud")

    assert host.wait_for_stdout(id_) == f"dummy created {id_} loud"


def test_diff_reports_no_change_update_and_replace(host: EngineHost) -> None:
    id_, outs = provision(host, "d", size=1)

    same = host.diff(TYPE, "d", id_, outs, inputs("d", size=1))
    resized = host.diff(TYPE, "d", id_, outs, inputs("d", size=2))
    renamed = host.diff(TYPE, "d", id_, outs, inputs("d2", size=1))
    exclusive = host.diff(TYPE, "d", id_, outs, inputs("d2", size=1, exclusive=True))

    assert (same.changes, same.replaces, same.delete_before_replace) == (False, [], False)
    assert (resized.changes, resized.replaces, resized.delete_before_replace) == (True, [], False)
    assert (renamed.changes, renamed.replaces, renamed.delete_before_replace) == (
        True,
        ["name"],
        False,
    )
    assert exclusive.delete_before_replace is True


def test_diff_sees_unknowns_in_preview(host: EngineHost) -> None:
    id_, outs = provision(host, "dp", size=1)

    result = host.diff(TYPE, "dp", id_, outs, inputs("dp", size=UNKNOWN))

    assert result.changes is True


def test_update_rewrites_and_returns_outputs(host: EngineHost, store: Path) -> None:
    id_, outs = provision(host, "u", size=1)

    new_outs = host.update(TYPE, "u", id_, outs, inputs("u", size=5))

    assert stored(store, id_) == {"name": "u", "size": 5.0}
    assert new_outs["size"] == 5.0
    assert new_outs["__provider"] == PROVIDER


def test_read_returns_live_values_and_inputs(host: EngineHost, store: Path) -> None:
    id_, outs = provision(host, "r", size=1)
    (store / f"{id_}.json").write_text(json.dumps({"name": "r", "size": 9}))  # dashboard edit

    result = host.read(TYPE, "r", id_, outs, inputs("r", size=1))

    assert result.id == id_
    assert result.properties["size"] == 9
    assert result.inputs == {"name": "r", "size": 9, "__provider": PROVIDER}


def test_read_of_a_gone_resource_returns_empty_id(host: EngineHost, store: Path) -> None:
    id_, outs = provision(host, "g")
    (store / f"{id_}.json").unlink()

    result = host.read(TYPE, "g", id_, outs, inputs("g"))

    assert result.id == ""


def test_delete_removes_and_read_then_says_gone(host: EngineHost, store: Path) -> None:
    id_, outs = provision(host, "del")

    host.delete(TYPE, "del", id_, outs)

    assert not (store / f"{id_}.json").exists()
    assert host.read(TYPE, "del", id_, outs, inputs("del")).id == ""


def test_provider_exception_surfaces_with_its_message_last(host: EngineHost) -> None:
    with pytest.raises(EngineError) as caught:
        provision(host, "boom", fail="create thing 'boom': HTTP 402 insufficient_funds")

    error = caught.value
    assert error.code == grpc.StatusCode.UNKNOWN
    assert error.details.startswith("Traceback")
    assert error.last_line == "RuntimeError: create thing 'boom': HTTP 402 insufficient_funds"


def test_update_exception_leaves_the_resource_alone(host: EngineHost, store: Path) -> None:
    id_, outs = provision(host, "keep", size=1)

    with pytest.raises(EngineError, match="no resize today"):
        host.update(TYPE, "keep", id_, outs, inputs("keep", size=2, fail="no resize today"))

    assert stored(store, id_)["size"] == 1.0


def test_concurrent_creates_from_eight_threads(host: EngineHost, store: Path) -> None:
    def create(i: int) -> tuple[int, str, dict[str, Any]]:
        id_, outs = provision(host, f"c{i}", size=i)
        return i, id_, outs

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(create, range(8)))

    assert len({id_ for _, id_, _ in results}) == 8
    for i, id_, outs in results:
        assert (outs["name"], outs["size"]) == (f"c{i}", float(i))
        assert stored(store, id_) == {"name": f"c{i}", "size": float(i)}
