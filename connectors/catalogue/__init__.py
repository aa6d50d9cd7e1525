"""The procedure catalogue: the national procedure database as the province sees it (see ``source.py``)."""
