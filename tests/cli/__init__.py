"""The CLI tier: the examples run with a real ``pulumi`` binary against the sandbox."""
