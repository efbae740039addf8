"""Demo data for catalog, loaded after the demo city."""


async def load(settings=None) -> dict:
    return {}
