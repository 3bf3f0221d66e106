"""The pieces of the fleet benchmark (``benchmarks/fleet.py``, run by ``make bench``).

- :mod:`fleetlib.sandbox_process`: the sandbox served by a separate process;
- :mod:`fleetlib.workloads`: the same fleet driven through the provider host and with
  the bare client, timed, with the API requests counted from the sandbox's log;
- :mod:`fleetlib.thin_provider`: the SDK floor, the thinnest dynamic provider that can
  do the fleet's work, run in the same host;
- :mod:`fleetlib.sizes`: the serialized provider and the state of one resource;
- :mod:`fleetlib.imports`: the import time of ``pulumi_speko`` over ``pulumi``;
- :mod:`fleetlib.report`: the printed table and the targets.
"""
