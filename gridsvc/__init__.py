"""gridsvc: community grid management and resident services (社区网格化管理与居民服务)."""

__version__ = "0.1.0"
