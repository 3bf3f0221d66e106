"""Property names between the two front doors: camelCase (schema, plugin) and snake_case
(the dynamic providers' core).

The mapping is not guessed from the spelling of a key: it is read from the package
schema the generator builds from the Args dataclasses, the Resource outputs and the wire
models. Only declared properties are renamed, at every depth they are declared at; the
keys of free-form objects (``dispatch_metadata_template``) are user data and stay as
they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_speko.families import camel_name

TYPE_REF_PREFIX = "#/types/"
_PATH_PART = re.compile(r"([^.\[]+)|(\[\d+\])")


class Shape:
    """The declared properties of one object: each snake_case name and the shape of its
    value (``None`` for a scalar or a free-form object; a list takes its items' shape)."""

    def __init__(self) -> None:
        self.children: dict[str, Shape | None] = {}
        self._snake_by_camel: dict[str, str] = {}

    def add(self, snake: str, child: Shape | None) -> None:
        """Declare one property."""
        self.children[snake] = child
        self._snake_by_camel[camel_name(snake)] = snake

    def snake_of(self, camel: str) -> str:
        """The snake_case name of a declared camelCase property; others stay as given."""
        return self._snake_by_camel.get(camel, camel)

    def camel_of(self, snake: str) -> str:
        """The camelCase name of a declared snake_case property; others stay as given."""
        return camel_name(snake) if snake in self.children else snake

    def to_camel(self, bag: Mapping[str, Any]) -> dict[str, Any]:
        """A snake_case property bag with its declared names in camelCase."""
        return {
            self.camel_of(key): _convert(value, self.children.get(key), to_camel=True)
            for key, value in bag.items()
        }

    def to_snake(self, bag: Mapping[str, Any]) -> dict[str, Any]:
        """A camelCase property bag with its declared names in snake_case."""
        converted: dict[str, Any] = {}
        for key, value in bag.items():
            snake = self.snake_of(key)
            converted[snake] = _convert(value, self.children.get(snake), to_camel=False)
        return converted

    def camel_path(self, path: str) -> str:
        """A property path of the core (``business_profile.address.postal_code``,
        ``items[0].agent_id``) in camelCase."""
        shape: Shape | None = self
        parts: list[str] = []
        for name, index in _PATH_PART.findall(path):
            if index:
                parts.append(index)
                continue
            parts.append(("." if parts else "") + (shape.camel_of(name) if shape else name))
            shape = shape.children.get(name) if shape else None
        return "".join(parts)

    def all_names(self) -> dict[str, str]:
        """Every declared snake_case name at every depth, with its camelCase name."""
        names: dict[str, str] = {}
        pending: list[Shape] = [self]
        seen: set[int] = set()
        while pending:
            shape = pending.pop()
            if id(shape) in seen:
                continue
            seen.add(id(shape))
            for name, child in shape.children.items():
                names[name] = camel_name(name)
                if child is not None:
                    pending.append(child)
        return names


def _convert(value: Any, shape: Shape | None, *, to_camel: bool) -> Any:
    if shape is None:
        return value
    if isinstance(value, Mapping):
        return shape.to_camel(value) if to_camel else shape.to_snake(value)
    if isinstance(value, list):
        return [_convert(item, shape, to_camel=to_camel) for item in value]
    return value


def camel_words(text: str, names: Mapping[str, str]) -> str:
    """A message of the core with the snake_case property names it mentions in camelCase."""
    if not names:
        return text
    pattern = r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b"
    return re.sub(pattern, lambda match: names[match.group(1)], text)


class ShapeBuilder:
    """Shapes of the property maps of a (snake_case) package schema, types shared."""

    def __init__(self, types: Mapping[str, Any]) -> None:
        self._types = types
        self._by_token: dict[str, Shape] = {}

    def of_properties(self, properties: Mapping[str, Any]) -> Shape:
        """The shape of a ``properties`` map."""
        shape = Shape()
        for name, spec in properties.items():
            shape.add(name, self.of_type(spec))
        return shape

    def of_type(self, spec: Mapping[str, Any]) -> Shape | None:
        """The shape of a value of this type spec (``None``: nothing to rename)."""
        ref = spec.get("$ref")
        if isinstance(ref, str) and ref.startswith(TYPE_REF_PREFIX):
            return self._of_token(ref.removeprefix(TYPE_REF_PREFIX))
        if spec.get("type") == "array":
            return self.of_type(spec.get("items", {}))
        if spec.get("type") == "object" and "properties" in spec:
            return self.of_properties(spec["properties"])
        return None

    def _of_token(self, token: str) -> Shape:
        shape = self._by_token.get(token)
        if shape is None:
            shape = self._by_token[token] = Shape()  # registered first: types may nest
            for name, spec in self._types[token].get("properties", {}).items():
                shape.add(name, self.of_type(spec))
        return shape
