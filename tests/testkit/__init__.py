"""The testing kit: the `speko` pytest plugin and the user tests written against it."""
