"""The ``speko`` provider plugin: the second front door to the dynamic providers' core.

A Pulumi resource-provider plugin over gRPC (``pulumi-resource-speko``) serving the
package schema (``schema.json``) with camelCase properties. Every call renames the
property bag to snake_case, calls the same check / diff / create / read / update /
delete code as the Python dynamic providers, and renames the result back:

- :mod:`.naming`: camelCase <-> snake_case, driven by the schema;
- :mod:`.catalog`: tokens -> provider classes, functions and shapes;
- :mod:`.secrets`: secret values across the core;
- :mod:`.servicer`: the gRPC ResourceProvider service;
- :mod:`.server`: the process (port on stdout, logs on stderr).
"""
