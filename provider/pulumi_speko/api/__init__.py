"""Typed client of the Speko Phone Numbers API (HTTP, auth, retries, error mapping)."""
