"""Use cases: load rows, call the domain, persist; each service owns its transaction."""
