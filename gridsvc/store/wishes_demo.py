"""Demo data for wishes, loaded after the demo city."""


async def load(settings=None) -> dict:
    return {}
