"""The checker's test suite: a package, so that its helpers in `tests.support` import by name."""
