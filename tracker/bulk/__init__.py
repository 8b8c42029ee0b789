"""Bulk changes: many actions changed in one step, always previewed before they are confirmed."""
