"""The developers' commands: `payments listen`, `payments trigger` and `payments logs`.

They talk to a running service through its public API (listen, trigger) or read the log files
it writes (logs); none of them opens the database."""
