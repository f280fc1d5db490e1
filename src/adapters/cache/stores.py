"""Key-value stores (Litestar's): Redis when REDIS_URL is set, shared by every replica; in-process otherwise."""

from __future__ import annotations

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

NAMESPACE = "subdub"


def make_redis_client(redis_url: str | None) -> Redis | None:
    if not redis_url:
        return None
    return Redis.from_url(redis_url, socket_connect_timeout=2.0, socket_timeout=2.0)


def make_store(redis: Redis | None) -> Store:
    if redis is None:
        return MemoryStore()
    return RedisStore(redis, namespace=NAMESPACE)
