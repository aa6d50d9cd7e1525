"""The land registration office's system: land-registration transactions, from its API and its CSV exports."""
