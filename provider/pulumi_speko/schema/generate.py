"""The Pulumi package schema of ``speko``, generated from the code.

Every property set and type comes from the code: resource inputs from the Args
dataclasses (with their ``arg(...)`` metadata: description, ``replaces``, default),
resource outputs from the ``pulumi.Output[...]`` annotations of the Resource classes
(typed by the Args field or wire model field of the same name when there is one),
object types from the Args dataclasses and the pydantic wire models, functions from
the signatures in ``pulumi_speko.resources.functions``. Only descriptions the code
lacks come from :mod:`pulumi_speko.schema._docs`.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pulumi.dynamic
from pydantic import BaseModel

from pulumi_speko import credentials
from pulumi_speko._version import __version__
from pulumi_speko.api import models
from pulumi_speko.families import camel_name
from pulumi_speko.resources import (
    DEFAULT,
    DESCRIPTION,
    REPLACES,
    business_verification,
    functions,
    phone_number,
    sip_trunk_phone_number,
)
from pulumi_speko.schema import _docs
from pulumi_speko.schema._annotations import (
    dataclass_field_types,
    declared_annotations,
    is_optional,
    is_timestamp,
    literal_values,
    schema_type,
    signature_types,
)
from pulumi_speko.schema._camel import camelized

PACKAGE = "speko"
MODULE = "index"
_DOC_ROLE = re.compile(r":\w+:`([^`]+)`")


@dataclass(frozen=True)
class ResourceSource:
    """The code one resource's schema is generated from."""

    resource: type
    args: type
    runtime_token: str
    output_names: tuple[str, ...]
    response_model: type[BaseModel]
    """The wire model the provider's outputs are dumped from."""
    request_model: type[BaseModel]
    """The wire model a create is validated with: its required fields are required inputs."""
    alternatives: frozenset[str] = frozenset()
    """Inputs the request model requires but that another input may stand in for."""

    @property
    def name(self) -> str:
        """The resource's name, e.g. ``PhoneNumber``."""
        return self.runtime_token.rsplit(":", 1)[1]

    @property
    def token(self) -> str:
        """The resource's token in this schema, e.g. ``speko:index:PhoneNumber``."""
        return f"{PACKAGE}:{MODULE}:{self.name}"


def _source(
    module: ModuleType,
    response_model: type[BaseModel],
    request_model: type[BaseModel],
    alternatives: Iterable[str] = (),
) -> ResourceSource:
    name = module.TYPE_TOKEN.rsplit(":", 1)[1]
    return ResourceSource(
        resource=getattr(module, name),
        args=getattr(module, f"{name}Args"),
        runtime_token=module.TYPE_TOKEN,
        output_names=tuple(module.OUTPUT_NAMES),
        response_model=response_model,
        request_model=request_model,
        alternatives=frozenset(alternatives),
    )


def resource_sources() -> tuple[ResourceSource, ...]:
    """The three resources, with the wire models their providers read and write."""
    return (
        # e164 or area_code: the provider buys a search match when e164 is not given.
        _source(phone_number, models.PhoneNumberRecord, models.PhoneNumberCreate, {"e164"}),
        _source(sip_trunk_phone_number, models.PhoneNumberRecord, models.PhoneNumberImport),
        _source(business_verification, models.VerificationSubmission, models.VerificationDraft),
    )


def markdown(docstring: str | None) -> str:
    """A docstring as Markdown: reST roles and double backticks become code spans,
    and the lines of each paragraph are joined."""
    text = _DOC_ROLE.sub(r"`\1`", inspect.cleandoc(docstring or "")).replace("``", "`")
    paragraphs = (" ".join(line.strip() for line in p.splitlines()) for p in text.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _describe(base: str | None, annotation: Any) -> str | None:
    """A description with what the type adds: allowed values, the timestamp format."""
    if base is None:
        return None
    notes = [base]
    values = literal_values(annotation)
    if values and not all(f"`{value}`" in base for value in values):
        notes.append("One of " + ", ".join(f"`{value}`" for value in values) + ".")
    if is_timestamp(annotation):
        notes.append(_docs.TIMESTAMP_NOTE)
    return " ".join(notes)


def _args_doc(args: type | None, name: str) -> str | None:
    if args is None:
        return None
    fields = {field.name: field for field in dataclasses.fields(args)}
    return fields[name].metadata.get(DESCRIPTION) if name in fields else None


def _model_doc(model: type[BaseModel] | None, name: str) -> str | None:
    field = None if model is None else model.model_fields.get(name)
    return None if field is None else field.description


class TypeRegistry:
    """The object types met while describing resources and functions, by token.

    An Args dataclass and the wire model of the same name (``BusinessProfileArgs``,
    ``BusinessProfile``) are one type: Args give the descriptions, the model says which
    properties are always set. A wire model named like a resource is suffixed ``Info``.
    """

    def __init__(self, resource_names: Iterable[str]) -> None:
        self._resource_names = frozenset(resource_names)
        self._sources: dict[str, list[type]] = {}

    def token(self, cls: type) -> str:
        """The token of an object class, registering it (and its wire-model twin)."""
        name = self.type_name(cls)
        sources = self._sources.setdefault(f"{PACKAGE}:{MODULE}:{name}", [])
        twin = getattr(models, cls.__name__.removesuffix("Args"), None)
        for source in (cls, twin) if dataclasses.is_dataclass(cls) else (cls,):
            if isinstance(source, type) and source not in sources:
                sources.append(source)
        return f"{PACKAGE}:{MODULE}:{name}"

    def type_name(self, cls: type) -> str:
        """The schema name of an object class."""
        name = cls.__name__.removesuffix("Args") if dataclasses.is_dataclass(cls) else cls.__name__
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            name = models.contract_name(cls)
        return f"{name}Info" if name in self._resource_names else name

    def specs(self) -> dict[str, dict[str, Any]]:
        """Every registered type's spec; describing a type may register more."""
        while True:
            before = {token: len(sources) for token, sources in self._sources.items()}
            specs = {token: self._type_spec(token) for token in list(self._sources)}
            if before == {token: len(sources) for token, sources in self._sources.items()}:
                return specs

    def _type_spec(self, token: str) -> dict[str, Any]:
        sources = self._sources[token]
        spec = object_spec(token.rsplit(":", 1)[1], sources, self)
        model = next((s for s in sources if issubclass(s, BaseModel)), None)
        if model is not None and models.contract_name(model) in self._resource_names:
            note = _docs.RENAMED_TYPE_NOTE.format(
                module=model.__module__,
                name=model.__name__,
                resource_token=f"{PACKAGE}:{MODULE}:{models.contract_name(model)}",
            )
            spec["description"] = f"{spec['description']}\n\n{note}"
        return spec


def property_spec(
    annotation: Any, description: str | None, registry: TypeRegistry
) -> dict[str, Any]:
    """The propertySpec of one property: its type and its description."""
    spec = schema_type(annotation, registry.token)
    described = _describe(description, annotation)
    if described is not None:
        spec["description"] = described
    return spec


def object_spec(owner: str, sources: list[type], registry: TypeRegistry) -> dict[str, Any]:
    """The spec of an object type made of an Args dataclass and/or a wire model."""
    args = next((s for s in sources if dataclasses.is_dataclass(s)), None)
    model = next((s for s in sources if issubclass(s, BaseModel)), None)
    arg_types = dataclass_field_types(args) if args is not None else {}
    model_types = {n: f.annotation for n, f in (model.model_fields if model else {}).items()}
    properties: dict[str, Any] = {}
    for name in [*arg_types, *(n for n in model_types if n not in arg_types)]:
        doc = _args_doc(args, name) or _model_doc(model, name) or _docs.property_doc(owner, name)
        properties[name] = property_spec(arg_types.get(name, model_types.get(name)), doc, registry)
    spec: dict[str, Any] = {
        "type": "object",
        "description": markdown((args or model).__doc__ if args or model else None),
        "properties": properties,
    }
    required = sorted(name for name, hint in model_types.items() if not is_optional(hint))
    if required:
        spec["required"] = required
    return spec


def _replacing(spec: dict[str, Any], metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Mark a property that replaces the resource when it changes."""
    if metadata.get(REPLACES):
        # The provider's diff replaces (willReplaceOnChanges); an SDK generated from this
        # schema would also ask the engine to (replaceOnChanges).
        spec.update(replaceOnChanges=True, willReplaceOnChanges=True)
    return spec


def _input_properties(source: ResourceSource, registry: TypeRegistry) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    arg_types = dataclass_field_types(source.args)
    for field in dataclasses.fields(source.args):
        spec = property_spec(arg_types[field.name], field.metadata.get(DESCRIPTION), registry)
        if field.metadata.get(DEFAULT) is not None:
            spec["default"] = field.metadata[DEFAULT]
        properties[field.name] = _replacing(spec, field.metadata)
    return properties


def _output_properties(
    source: ResourceSource, declared: Mapping[str, Any], registry: TypeRegistry
) -> dict[str, Any]:
    arg_types = dataclass_field_types(source.args)
    metadata = {field.name: field.metadata for field in dataclasses.fields(source.args)}
    model_types = {n: f.annotation for n, f in source.response_model.model_fields.items()}
    properties: dict[str, Any] = {}
    for name in dict.fromkeys([*declared, *arg_types, *source.output_names]):
        # The most precise annotation wins: Args (object types), then the wire model
        # (nested models, Literals), then the Resource's own (often a plain dict).
        hint = arg_types.get(name, model_types.get(name, declared.get(name)))
        if hint is None:
            raise TypeError(f"{source.name}.{name}: declared as an output but has no type")
        doc = (
            _args_doc(source.args, name)
            or _model_doc(source.response_model, name)
            or _docs.property_doc(source.name, name)
        )
        properties[name] = _replacing(property_spec(hint, doc, registry), metadata.get(name, {}))
    return properties


def _required_inputs(source: ResourceSource) -> list[str]:
    request_fields = source.request_model.model_fields
    return sorted(
        field.name
        for field in dataclasses.fields(source.args)
        if field.name in request_fields
        and request_fields[field.name].is_required()
        and field.name not in source.alternatives
    )


def resource_spec(source: ResourceSource, registry: TypeRegistry) -> dict[str, Any]:
    """The resourceSpec of one resource."""
    declared = declared_annotations(source.resource, below=pulumi.dynamic.Resource)
    note = _docs.RESOURCE_NOTE.format(
        runtime_token=source.runtime_token, schema_token=source.token, name=source.name
    )
    spec: dict[str, Any] = {
        "description": f"{markdown(source.resource.__doc__)}\n\n{note}",
        "inputProperties": _input_properties(source, registry),
        "properties": _output_properties(source, declared, registry),
        "required": sorted(name for name, hint in declared.items() if not is_optional(hint)),
    }
    required_inputs = _required_inputs(source)
    if required_inputs:
        spec["requiredInputs"] = required_inputs
    return spec


def _camel(snake: str) -> str:
    return camel_name(snake)


def public_functions() -> dict[str, Callable[..., Any]]:
    """The functions of ``pulumi_speko.resources.functions``, by Python name."""
    return {
        name: value
        for name, value in sorted(vars(functions).items())
        if inspect.isfunction(value)
        and value.__module__ == functions.__name__
        and not name.startswith("_")
    }


def _function_outputs(returns: Any, registry: TypeRegistry) -> dict[str, Any]:
    if isinstance(returns, type) and issubclass(returns, BaseModel):
        return object_spec(returns.__name__, [returns], registry)
    return schema_type(returns, registry.token)


def function_spec(python_name: str, function: Callable[..., Any], registry: TypeRegistry) -> Any:
    """The functionSpec of one function: its parameters as inputs, its result as outputs."""
    hints = signature_types(function)
    returns = hints.pop("return")
    parameters = inspect.signature(function).parameters
    owner = _camel(python_name)
    docstring = markdown(function.__doc__)
    spec: dict[str, Any] = {
        "description": f"{docstring}\n\n{_docs.FUNCTION_NOTE.format(python_name=python_name)}",
        "outputs": _function_outputs(returns, registry),
    }
    if hints:
        inputs: dict[str, Any] = {
            "type": "object",
            "properties": {
                name: property_spec(hint, _docs.property_doc(owner, name), registry)
                for name, hint in hints.items()
            },
        }
        required = sorted(n for n, p in parameters.items() if p.default is inspect.Parameter.empty)
        if required:
            inputs["required"] = required
        spec["inputs"] = inputs
    return spec


def _config_name(namespaced: str) -> str:
    namespace, name = namespaced.split(":", 1)
    if namespace != PACKAGE:
        raise ValueError(f"config key {namespaced} is not in the {PACKAGE} namespace")
    return name


def _setting(
    config_key: str, kind: str, description: str, default: Any = None
) -> tuple[str, dict[str, Any]]:
    spec: dict[str, Any] = {
        "type": kind,
        "description": description,
        "defaultInfo": {"environment": [credentials.ENV_BY_CONFIG_KEY[config_key]]},
    }
    if default is not None:
        spec["default"] = default
    if config_key == credentials.CONFIG_API_KEY:
        spec["secret"] = True
    return _config_name(config_key), spec


def config_variables() -> dict[str, Any]:
    """The settings the providers read (stack config, else the environment variable
    named in ``defaultInfo``); also the inputs of an explicit provider resource."""
    return dict(
        [
            _setting(credentials.CONFIG_API_KEY, "string", _docs.API_KEY_DESCRIPTION),
            _setting(
                credentials.CONFIG_BASE_URL,
                "string",
                _docs.BASE_URL_DESCRIPTION,
                credentials.DEFAULT_BASE_URL,
            ),
            _setting(
                credentials.CONFIG_TIMEOUT,
                "number",
                _docs.TIMEOUT_DESCRIPTION,
                credentials.DEFAULT_TIMEOUT_SECONDS,
            ),
            _setting(
                credentials.CONFIG_ORGANIZATION_ID, "string", _docs.ORGANIZATION_ID_DESCRIPTION
            ),
            _setting(
                credentials.CONFIG_ALLOW_INSECURE_HTTP,
                "boolean",
                _docs.ALLOW_INSECURE_HTTP_DESCRIPTION,
                False,
            ),
            _setting(
                credentials.CONFIG_RATE_LIMIT_WAIT,
                "number",
                _docs.RATE_LIMIT_WAIT_DESCRIPTION,
                credentials.DEFAULT_RATE_LIMIT_WAIT_SECONDS,
            ),
        ]
    )


def language_sections() -> dict[str, Any]:
    """Package names of the SDKs ``pulumi package gen-sdk`` generates from this schema
    (the Python one must not collide with the hand-written ``pulumi_speko``)."""
    return {
        "nodejs": {"packageName": _docs.NODEJS_PACKAGE},
        "python": {"packageName": _docs.PYTHON_SDK_PACKAGE},
        "go": {"importBasePath": _docs.GO_IMPORT_BASE_PATH},
        "csharp": {"rootNamespace": _docs.CSHARP_ROOT_NAMESPACE},
    }


def snake_case_schema() -> dict[str, Any]:
    """The package schema as the code spells it: snake_case properties at every depth
    (what the dynamic providers read and write; the plugin's conversions follow it)."""
    sources = resource_sources()
    registry = TypeRegistry(source.name for source in sources)
    resources = {source.token: resource_spec(source, registry) for source in sources}
    function_specs = {
        f"{PACKAGE}:{MODULE}:{_camel(name)}": function_spec(name, function, registry)
        for name, function in public_functions().items()
    }
    return {
        "name": PACKAGE,
        "displayName": _docs.DISPLAY_NAME,
        "description": _docs.PACKAGE_DESCRIPTION,
        "version": __version__,
        "license": _docs.LICENSE,
        "keywords": list(_docs.KEYWORDS),
        "language": language_sections(),
        "config": {"variables": config_variables()},
        "provider": {
            "description": _docs.PROVIDER_DESCRIPTION,
            "inputProperties": config_variables(),
        },
        "resources": resources,
        "functions": function_specs,
        "types": registry.specs(),
    }


def generate_schema() -> dict[str, Any]:
    """The package schema the ``speko`` plugin serves: camelCase properties."""
    return camelized(snake_case_schema())


def render_schema() -> str:
    """The schema as committed in ``schema.json``: sorted keys, 2-space indent, newline."""
    return json.dumps(generate_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
