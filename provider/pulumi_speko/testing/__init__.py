"""Test helpers: a local sandbox of the API and a driver of the Pulumi provider host."""
