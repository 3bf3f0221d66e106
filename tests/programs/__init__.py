"""Program tests: the examples run under ``pulumi.runtime.set_mocks``."""
