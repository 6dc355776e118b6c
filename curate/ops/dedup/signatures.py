"""MinHash signatures and LSH band keys, computed by compiled kernels over whole batches.

The arithmetic is datasketch's (`datasketch.MinHash`, v2.0), re-implemented from its documented
definition so that signatures are equal for the same seed, scheme and hash function:

- `affine32` (datasketch's default): the 32-bit input hash is pre-mixed with MurmurHash3's
  32-bit finaliser, then permutation k maps it to `a_k * h + b_k mod 2^32` (a_k odd);
- `affine64`: the same over 64-bit hashes;
- `legacy` (datasketch < 2.0): `(a_k * h + b_k mod 2^64) mod (2^61 - 1)`, masked to 32 bits.

Permutation parameters are drawn with numpy's `RandomState(seed)` exactly as datasketch does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numba
import numpy as np

from curate.text.shingles import fmix64

Scheme = Literal["affine32", "affine64", "legacy"]
SCHEMES: tuple[str, ...] = ("affine32", "affine64", "legacy")

_MERSENNE_61 = (1 << 61) - 1
_MASK32 = (1 << 32) - 1


@dataclass(frozen=True)
class MinHasher:
    """`num_perm` hash permutations of one scheme, seeded like datasketch's MinHash."""

    num_perm: int = 128
    seed: int = 1
    scheme: Scheme = "affine32"

    @property
    def dtype(self) -> type:
        """The signature value type (uint32 for affine32, uint64 otherwise, like datasketch)."""
        return np.uint32 if self.scheme == "affine32" else np.uint64

    def permutations(self) -> tuple[np.ndarray, np.ndarray]:
        """(a, b): the permutation parameters, drawn as datasketch draws them."""
        gen = np.random.RandomState(self.seed)
        if self.scheme == "legacy":
            pairs = np.array(
                [(gen.randint(1, _MERSENNE_61, dtype=np.uint64),
                  gen.randint(0, _MERSENNE_61, dtype=np.uint64)) for _ in range(self.num_perm)],
                dtype=np.uint64,
            )
            return pairs[:, 0].copy(), pairs[:, 1].copy()
        width = 32 if self.scheme == "affine32" else 64
        dtype = self.dtype
        a = gen.randint(0, 1 << (width - 1), self.num_perm, dtype=dtype) * dtype(2) + dtype(1)
        b = gen.randint(0, 1 << width, self.num_perm, dtype=dtype)
        return a, b

    def signatures(self, shingles: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """The (documents × num_perm) signature matrix of documents whose 64-bit shingle
        hashes are `shingles[offsets[i]:offsets[i + 1]]`. The 32-bit schemes take the low 32
        bits of each shingle hash as their input hash. A document without shingles gets the
        empty signature (every value at its maximum), as datasketch does."""
        a, b = self.permutations()
        if self.scheme == "affine32":
            return _affine32(shingles, offsets, a, b)
        if self.scheme == "affine64":
            return _affine64(shingles, offsets, a, b)
        return _legacy(shingles, offsets, a, b)


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(documents × bands) 64-bit keys: band j hashes signature values [j*rows, (j+1)*rows).
    Two documents share a key (up to 64-bit collisions) iff their band values are equal."""
    if bands * rows > signatures.shape[1]:
        raise ValueError(f"{bands} bands x {rows} rows exceed {signatures.shape[1]} permutations")
    return _band_keys(signatures, bands, rows)


@numba.njit(cache=True, inline="always")
def _fmix32(h: np.uint64) -> np.uint64:
    # MurmurHash3's 32-bit finaliser, on a value held in the low 32 bits of a uint64.
    mask = np.uint64(0xFFFFFFFF)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & mask
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & mask
    h ^= h >> np.uint64(16)
    return h


@numba.njit(cache=True)
def _affine32(shingles, offsets, a, b):
    docs, perms = len(offsets) - 1, len(a)
    out = np.full((docs, perms), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    a64, b64 = a.astype(np.uint64), b.astype(np.uint64)
    for d in range(docs):
        row = out[d]
        for i in range(offsets[d], offsets[d + 1]):
            h = _fmix32(shingles[i] & np.uint64(0xFFFFFFFF))
            for k in range(perms):
                v = np.uint32((a64[k] * h + b64[k]) & np.uint64(0xFFFFFFFF))
                if v < row[k]:
                    row[k] = v
    return out


@numba.njit(cache=True)
def _affine64(shingles, offsets, a, b):
    docs, perms = len(offsets) - 1, len(a)
    out = np.full((docs, perms), np.uint64(0xFFFFFFFFFFFFFFFF), dtype=np.uint64)
    for d in range(docs):
        row = out[d]
        for i in range(offsets[d], offsets[d + 1]):
            h = fmix64(shingles[i])
            for k in range(perms):
                v = a[k] * h + b[k]
                if v < row[k]:
                    row[k] = v
    return out


@numba.njit(cache=True)
def _legacy(shingles, offsets, a, b):
    docs, perms = len(offsets) - 1, len(a)
    prime = np.uint64((1 << 61) - 1)
    mask = np.uint64(0xFFFFFFFF)
    out = np.full((docs, perms), mask, dtype=np.uint64)
    for d in range(docs):
        row = out[d]
        for i in range(offsets[d], offsets[d + 1]):
            h = shingles[i] & mask
            for k in range(perms):
                v = a[k] * h + b[k]  # wraps mod 2^64, as numpy's uint64 arithmetic does
                # x mod (2^61 - 1) for any 64-bit x: fold the top 3 bits onto the low 61.
                v = (v & prime) + (v >> np.uint64(61))
                if v >= prime:
                    v -= prime
                v &= mask
                if v < row[k]:
                    row[k] = v
    return out


@numba.njit(cache=True)
def _band_keys(signatures, bands, rows):
    docs = signatures.shape[0]
    out = np.empty((docs, bands), dtype=np.uint64)
    for d in range(docs):
        for j in range(bands):
            h = np.uint64(j)
            for k in range(j * rows, (j + 1) * rows):
                h = fmix64(h ^ (np.uint64(signatures[d, k]) + np.uint64(0x9E3779B97F4A7C15)
                                + (h << np.uint64(6)) + (h >> np.uint64(2))))
            out[d, j] = h
    return out
