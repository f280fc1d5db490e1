"""Argon2id password hashes (argon2-cffi), computed off the event loop."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2-cffi's defaults follow RFC 9106's second recommendation: t=3, m=64 MiB, p=4.
DEFAULT_TIME_COST = 3
DEFAULT_MEMORY_KIB = 65536
DEFAULT_PARALLELISM = 4


class Argon2PasswordHasher:
    def __init__(
        self,
        *,
        time_cost: int = DEFAULT_TIME_COST,
        memory_kib: int = DEFAULT_MEMORY_KIB,
        parallelism: int = DEFAULT_PARALLELISM,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )
        # A real hash of a random value: verifying against it costs what a real verification costs.
        self._dummy_hash = self._hasher.hash("dummy password that matches nothing")

    @property
    def parameters(self) -> str:
        p = self._hasher
        return f"argon2id t={p.time_cost} m={p.memory_cost}KiB p={p.parallelism} hash_len={p.hash_len}"

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            if password_hash is None:
                self._hasher.verify(self._dummy_hash, password)
                return False
            return bool(self._hasher.verify(password_hash, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return bool(self._hasher.check_needs_rehash(password_hash))
        except InvalidHashError:
            return True
