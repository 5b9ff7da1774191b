"""The data room: the DuckDB store, importers (``io``), team identity, queries and the bundled data."""
