"""Dataset files in and out: reading a user's table against a schema, data families, writing a dataset with its
``datapackage.json``, and reducing registry-sized injury data to rate tables."""

__all__: list[str] = []
