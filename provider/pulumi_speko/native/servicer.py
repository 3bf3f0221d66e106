"""The gRPC ResourceProvider service of the ``speko`` plugin.

Every resource call renames the camelCase property bag to snake_case, calls the same
dynamic provider method the Python front door uses (check, diff, create, read, update,
delete), and renames the result back. Only naming, secrets and the wire protocol live
here. The SDK's ``pulumi.provider.experimental`` server is not used: on SDK 3.272 it has
no Handshake, rejects integer values, reports a DiffConfig with changes as no change and
always claims a detailed diff.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NoReturn, TypeAlias, TypeVar

import grpc
from google.protobuf import empty_pb2
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config
from pulumi.runtime import rpc
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

from pulumi_speko._version import __version__
from pulumi_speko.constants import PROVIDER_KEY
from pulumi_speko.credentials import CONFIG_API_KEY, ConfigError, resolve_credentials
from pulumi_speko.native.catalog import SINGLE_VALUE_KEY, Catalog, ResourceKind, catalog
from pulumi_speko.native.naming import camel_words
from pulumi_speko.native.secrets import concealed, revealed, secret_names
from pulumi_speko.resources import (
    ConfiguredProvider,
    Session,
    SpekoProviderError,
    calls_use,
    is_unknown,
)

LOG = logging.getLogger("pulumi_speko.native")
_Struct = Any  # google.protobuf.struct_pb2.Struct: protobuf ships no type stubs
_Context = Any  # grpc.ServicerContext
API_KEY_INPUT = "apiKey"
PLACEHOLDER_API_KEY = "sk_placeholder"  # lets CheckConfig check the other settings
_KIND = provider_pb2.PropertyDiff
ProviderT = TypeVar("ProviderT", bound=ResourceProvider)
_Kind: TypeAlias = provider_pb2.PropertyDiff.Kind.ValueType


class SpekoProvider(provider_pb2_grpc.ResourceProviderServicer):
    """The ``speko`` resource provider: the dynamic providers' core behind gRPC."""

    def __init__(self, served: Catalog | None = None) -> None:
        self._catalog = served or catalog()
        self._names = self._catalog.property_names()
        self._config: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self._loop_local = threading.local()

    # ------------------------------------------------------------------ plugin and config

    def Handshake(self, request: Any, context: _Context) -> provider_pb2.ProviderHandshakeResponse:
        """What the plugin accepts: secrets yes, resource references and outputs no."""
        return provider_pb2.ProviderHandshakeResponse(
            accept_secrets=True, accept_resources=False, accept_outputs=False
        )

    def GetPluginInfo(self, request: Any, context: _Context) -> plugin_pb2.PluginInfo:
        """The plugin's version (the package's)."""
        return plugin_pb2.PluginInfo(version=__version__)

    def GetSchema(
        self, request: provider_pb2.GetSchemaRequest, context: _Context
    ) -> provider_pb2.GetSchemaResponse:
        """The package schema, the very text of ``schema.json``."""
        return provider_pb2.GetSchemaResponse(schema=self._catalog.schema_text)

    def CheckConfig(
        self, request: provider_pb2.CheckRequest, context: _Context
    ) -> provider_pb2.CheckResponse:
        """Check each provider setting; one failure per setting at fault."""
        with self._errors(context, "check the speko provider configuration"):
            news = self._deserialize(request.news)
            failures = self._config_failures(self._namespaced(revealed(news)))
            # The engine keeps these inputs in state and configures with them: the key
            # goes back only as a secret, however it came in.
            inputs = concealed(revealed(news), {*secret_names(news), API_KEY_INPUT})
            return provider_pb2.CheckResponse(
                inputs=self._serialize(inputs),
                failures=[provider_pb2.CheckFailure(property=p, reason=r) for p, r in failures],
            )

    def DiffConfig(
        self, request: provider_pb2.DiffRequest, context: _Context
    ) -> provider_pb2.DiffResponse:
        """A changed setting updates the provider in place; nothing is replaced."""
        with self._errors(context, "diff the speko provider configuration"):
            olds, news = map(revealed, self._olds_news(request))
            keys = sorted(k for k in {*olds, *news} - {"version"} if olds.get(k) != news.get(k))
            return _diff_response(keys, [], False, {k: _kind(olds, news, k, False) for k in keys})

    def Configure(
        self, request: provider_pb2.ConfigureRequest, context: _Context
    ) -> provider_pb2.ConfigureResponse:
        """Keep the settings (namespaced, as the core reads them); accept secrets and
        previews. The client is built on first use, as in the dynamic providers."""
        with self._errors(context, "configure the speko provider"):
            args = revealed(self._deserialize(request.args))
            config = self._namespaced(args) if args else self._from_variables(request.variables)
            with self._lock:
                self._config = config
            return provider_pb2.ConfigureResponse(
                acceptSecrets=True, supportsPreview=True, acceptResources=False
            )

    # ------------------------------------------------------------------ resources

    def Check(
        self, request: provider_pb2.CheckRequest, context: _Context
    ) -> provider_pb2.CheckResponse:
        """The core's check; failures name camelCase properties."""
        with self._resource_call(context, "check", request) as kind:
            olds, news = self._olds_news(request)
            secrets = secret_names(news)
            result = self._provider(kind).check(
                kind.inputs.to_snake(revealed(olds)), kind.inputs.to_snake(revealed(news))
            )
            inputs = {k: v for k, v in result.inputs.items() if k != PROVIDER_KEY}
            names = kind.names()
            failures = [
                provider_pb2.CheckFailure(
                    property=kind.inputs.camel_path(f.property),
                    reason=camel_words(f.reason, names),
                )
                for f in result.failures or []
            ]
            return provider_pb2.CheckResponse(
                inputs=self._serialize(concealed(kind.inputs.to_camel(inputs), secrets)),
                failures=failures,
            )

    def Diff(
        self, request: provider_pb2.DiffRequest, context: _Context
    ) -> provider_pb2.DiffResponse:
        """The core's diff, with the property list and kinds it decided on."""
        with self._resource_call(context, "diff", request) as kind:
            old_bag, new_bag = self._olds_news(request)
            olds = kind.outputs.to_snake(revealed(old_bag))
            news = kind.inputs.to_snake(revealed(new_bag))
            provider = self._provider(kind)
            result = provider.diff(request.id, olds, news)
            changed = provider.changed_properties(olds, news)
            replaces = list(result.replaces or [])
            detailed = {
                kind.outputs.camel_of(name): _kind(olds, news, name, name in replaces)
                for name in changed
            }
            return _diff_response(
                [kind.outputs.camel_of(name) for name in changed],
                [kind.outputs.camel_of(name) for name in replaces],
                bool(result.delete_before_replace),
                detailed,
            )

    def Create(
        self, request: provider_pb2.CreateRequest, context: _Context
    ) -> provider_pb2.CreateResponse:
        """The core's create; in preview, the inputs and unknown outputs, no API call."""
        with self._resource_call(context, "create", request) as kind:
            props = self._deserialize(request.properties)
            secrets = secret_names(props)
            if request.preview:
                outputs = {name: rpc.UNKNOWN for name in kind.outputs.children}
                previewed = {**kind.outputs.to_camel(outputs), **props}
                return provider_pb2.CreateResponse(id="", properties=self._serialize(previewed))
            result = self._provider(kind).create(kind.inputs.to_snake(revealed(props)))
            outs = self._outputs(kind, result.outs, secrets)
            return provider_pb2.CreateResponse(id=str(result.id), properties=outs)

    def Read(
        self, request: provider_pb2.ReadRequest, context: _Context
    ) -> provider_pb2.ReadResponse:
        """Refresh (old outputs given) or import (only the id): live outputs, and the
        inputs that would declare them, keyed by the schema's input names."""
        with self._resource_call(context, "read", request) as kind:
            props = self._deserialize(request.properties)
            inputs = self._deserialize(request.inputs)
            if not request.id:
                if not props and not inputs:
                    raise SpekoProviderError(
                        f"import {request.type}: no id given; pass the platform's id "
                        "(pulumi import TYPE NAME ID)"
                    )
                return provider_pb2.ReadResponse(id="")
            secrets = secret_names(props, inputs)
            result = self._provider(kind).read(request.id, kind.outputs.to_snake(revealed(props)))
            if not result.id:
                return provider_pb2.ReadResponse(id="")
            read_inputs = (
                kind.inputs.to_camel(result.inputs) if result.inputs is not None else inputs
            )
            return provider_pb2.ReadResponse(
                id=str(result.id),
                properties=self._outputs(kind, result.outs, secrets),
                inputs=self._serialize(concealed(read_inputs, secrets)),
            )

    def Update(
        self, request: provider_pb2.UpdateRequest, context: _Context
    ) -> provider_pb2.UpdateResponse:
        """The core's update (routing in place, or the verification filed again)."""
        with self._resource_call(context, "update", request) as kind:
            olds, news = self._olds_news(request)
            result = self._provider(kind).update(
                request.id,
                kind.outputs.to_snake(revealed(olds)),
                kind.inputs.to_snake(revealed(news)),
            )
            return provider_pb2.UpdateResponse(
                properties=self._outputs(kind, result.outs, secret_names(news))
            )

    def Delete(self, request: provider_pb2.DeleteRequest, context: _Context) -> empty_pb2.Empty:
        """The core's delete (a number already gone counts as released)."""
        with self._resource_call(context, "delete", request) as kind:
            props = kind.outputs.to_snake(revealed(self._deserialize(request.properties)))
            self._provider(kind).delete(request.id, props)
            return empty_pb2.Empty()

    def Cancel(self, request: Any, context: _Context) -> empty_pb2.Empty:
        """Nothing to cancel: each call ends within the client's bounded retries."""
        return empty_pb2.Empty()

    # ------------------------------------------------------------------ functions

    def Invoke(
        self, request: provider_pb2.InvokeRequest, context: _Context
    ) -> provider_pb2.InvokeResponse:
        """The program function of the token, with this provider's settings."""
        with self._errors(context, f"invoke {request.tok}"):
            function = self._catalog.functions.get(request.tok)
            if function is None:
                raise SpekoProviderError(
                    f"invoke {request.tok}: the speko package has no such function"
                )
            args = function.inputs.to_snake(revealed(self._deserialize(request.args)))
            session = self._provider_session()
            with calls_use(session):
                value = _plain(function.function(**args))
            if function.outputs is not None:
                value = _rename_result(value, function.outputs.to_camel)
            result = {SINGLE_VALUE_KEY: value} if function.single_value else value
            return provider_pb2.InvokeResponse(**{"return": self._serialize(result)})

    # ------------------------------------------------------------------ internals

    def _resource(self, token: str) -> ResourceKind:
        kind = self._catalog.resources.get(token)
        if kind is None:
            raise SpekoProviderError(f"the speko package has no resource type {token}")
        return kind

    def _provider(self, kind: ResourceKind) -> Any:
        """A provider of the core configured as the dynamic host configures it."""
        return self._configured(kind.provider_class())

    def _provider_session(self) -> Session:
        """The process-wide client and number list for this provider's settings."""
        return self._configured(ConfiguredProvider()).session()

    def _configured(self, provider: ProviderT) -> ProviderT:
        with self._lock:
            config = dict(self._config)
        provider.configure(ConfigureRequest(Config(config, "speko")))
        return provider

    def _namespaced(self, settings: Mapping[str, Any]) -> dict[str, str | None]:
        """Known settings as namespaced text (an unknown one is not set yet)."""
        keys = self._catalog.config_keys
        return {
            keys[name]: _setting_text(value)
            for name, value in settings.items()
            if name in keys and not is_unknown(value)
        }

    def _from_variables(self, variables: Mapping[str, str]) -> dict[str, str | None]:
        # Older engines send only `variables`, keyed `speko:config:apiKey`.
        plain = {key.replace(":config:", ":", 1): value for key, value in variables.items()}
        return {key: plain.get(key) for key in self._catalog.config_keys.values()}

    def _config_failures(self, config: dict[str, str | None]) -> list[tuple[str, str]]:
        settings = {k: v for k, v in config.items() if v is not None}
        settings.setdefault(CONFIG_API_KEY, PLACEHOLDER_API_KEY)
        names = {key: name for name, key in self._catalog.config_keys.items()}
        failures: list[tuple[str, str]] = []
        for _ in range(len(names)):
            try:
                resolve_credentials(settings, environ={})
                break
            except ConfigError as error:
                key = error.config_key or CONFIG_API_KEY
                failures.append((names.get(key, key), str(error)))
                settings.pop(key, None)
                settings.setdefault(CONFIG_API_KEY, PLACEHOLDER_API_KEY)
        return failures

    def _deserialize(self, struct: _Struct) -> dict[str, Any]:
        if struct is None:
            return {}
        bag = rpc.deserialize_properties(struct, keep_unknowns=True)
        return dict(bag or {})

    def _olds_news(self, request: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """A check, diff or update request's old and new property bags, as sent."""
        return self._deserialize(request.olds), self._deserialize(request.news)

    def _outputs(
        self, kind: ResourceKind, outs: Mapping[str, Any] | None, secrets: set[str]
    ) -> _Struct:
        """A core result's outputs as the wire carries them: camelCase, secrets wrapped."""
        return self._serialize(concealed(kind.outputs.to_camel(outs or {}), secrets))

    def _serialize(self, bag: Mapping[str, Any]) -> _Struct:
        loop = getattr(self._loop_local, "loop", None)
        if loop is None:  # one private loop per gRPC worker thread
            loop = self._loop_local.loop = asyncio.new_event_loop()
        return loop.run_until_complete(rpc.serialize_properties(dict(bag), {}))

    @contextmanager
    def _resource_call(self, context: _Context, verb: str, request: Any) -> Iterator[ResourceKind]:
        """The resource kind a call is about, with failures aborted as ``verb URN: ...``."""
        with self._errors(context, f"{verb} {request.urn}"):
            yield self._resource(request.type)

    @contextmanager
    def _errors(self, context: _Context, action: str) -> Iterator[None]:
        """Abort the call with one line, the API key never in it."""
        try:
            yield
        except Exception as error:  # every failure reaches the engine as one line
            self._abort(context, action, error)

    def _abort(self, context: _Context, action: str, error: Exception) -> NoReturn:
        expected = isinstance(error, (ConfigError, SpekoProviderError))
        # The core speaks of properties as Python programs write them; say them the
        # way this package's users write them.
        line = (
            camel_words(str(error), self._names)
            if expected
            else f"{action}: {type(error).__name__}: {error}"
        )
        line = self._redacted(" ".join(line.split()))
        if not expected:
            LOG.error("%s", line)
        context.abort(grpc.StatusCode.UNKNOWN, line)
        raise AssertionError("context.abort returned")  # pragma: no cover

    def _redacted(self, text: str) -> str:
        with self._lock:
            key = self._config.get(CONFIG_API_KEY)
        return text.replace(key, "[secret]") if key else text


def _setting_text(value: Any) -> str | None:
    """A setting as the core reads it: stack config is text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _kind(olds: Mapping[str, Any], news: Mapping[str, Any], name: str, replaces: bool) -> _Kind:
    if olds.get(name) is None:
        return _KIND.ADD_REPLACE if replaces else _KIND.ADD
    if news.get(name) is None:
        return _KIND.DELETE_REPLACE if replaces else _KIND.DELETE
    return _KIND.UPDATE_REPLACE if replaces else _KIND.UPDATE


def _diff_response(
    diffs: list[str], replaces: list[str], delete_before_replace: bool, detailed: dict[str, _Kind]
) -> provider_pb2.DiffResponse:
    changes = provider_pb2.DiffResponse.DIFF_SOME if diffs else provider_pb2.DiffResponse.DIFF_NONE
    return provider_pb2.DiffResponse(
        changes=changes,
        diffs=diffs,
        replaces=replaces,
        deleteBeforeReplace=delete_before_replace,
        detailedDiff={
            name: provider_pb2.PropertyDiff(kind=kind, inputDiff=False)
            for name, kind in detailed.items()
        },
        hasDetailedDiff=True,
    )


def _plain(value: Any) -> Any:
    """A function's result as JSON values (wire models dumped snake_case)."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=False)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _rename_result(value: Any, rename: Callable[[Mapping[str, Any]], dict[str, Any]]) -> Any:
    if isinstance(value, Mapping):
        return rename(value)
    if isinstance(value, list):
        return [_rename_result(item, rename) for item in value]
    return value
