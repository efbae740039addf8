"""The store: Tortoise models, queries and the in-process spatial index beside them."""
