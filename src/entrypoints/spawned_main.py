"""What a spawned server process imports as its `__main__` (see `supervision.light_main`):
nothing, so that it answers its supervisor's health check at once."""
