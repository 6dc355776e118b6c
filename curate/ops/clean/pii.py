"""`mask_pii`: personal data replaced by placeholders: e-mail addresses, phone numbers
(Chinese mobile and landline, international and North-American formats), Chinese resident
ID card numbers (checksum-verified) and IP addresses."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.ops.base import RowOperator, register
from curate.ops.clean.common import count_and_replace
from curate.params import param

# Digits stand alone when no ASCII letter or digit touches them; `(?-u:\b)` is the ASCII
# word boundary, so "电话13800138000" matches but "ID13800138000X" does not.
B = r"(?-u:\b)"
EMAIL = r"(?i)(?-u:\b)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}(?-u:\b)"
CN_MOBILE = rf"(?:\+?86[\s-]?)?{B}1[3-9]\d{{9}}{B}|{B}1[3-9]\d[\s-]\d{{4}}[\s-]\d{{4}}{B}"
CN_LANDLINE = rf"(?:\(0\d{{2,3}}\)|{B}0\d{{2,3}}-)\d{{7,8}}{B}|{B}400-\d{{3,4}}-\d{{3,4}}{B}"
INTL_PHONE = (
    rf"\+\d{{1,3}}[\s.-]?\(?\d{{1,4}}\)?(?:[\s.-]?\d{{2,4}}){{2,4}}{B}"
    rf"|(?:\(\d{{3}}\)\s?|{B}\d{{3}}[.-])\d{{3}}[.-]\d{{4}}{B}"
)
# 6-digit region, birth date 18xx-20xx, 3-digit sequence, checksum digit or X.
CN_ID = (
    rf"{B}[1-9]\d{{5}}(?:18|19|20)\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{{3}}[\dXx]"
    rf"(?:{B}|$|[^0-9A-Za-z])"
)
IPV4_PART = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = rf"{B}{IPV4_PART}(?:\.{IPV4_PART}){{3}}{B}"
IPV6 = r"(?i)\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4}\b"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_cn_id(number: str) -> bool:
    """Whether an 18-character Chinese resident ID passes its ISO 7064 checksum."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


@dataclass
class MaskPiiParams:
    emails: bool = param(True, "mask e-mail addresses as [EMAIL]")
    phones: bool = param(True, "mask phone numbers as [PHONE]")
    id_cards: bool = param(True, "mask Chinese resident ID numbers as [ID]")
    ips: bool = param(True, "mask IPv4 and IPv6 addresses as [IP]")


@register
class MaskPii(RowOperator[MaskPiiParams]):
    """Mask e-mails, phone numbers (incl. Chinese mobiles), Chinese ID numbers and IPs."""

    name = "mask_pii"
    rewrites_text = True
    signals = ("pii_emails", "pii_phones", "pii_id_cards", "pii_ips")

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        col = self.context.text_column
        text = batch[col]
        zero = pl.zeros(batch.height, dtype=pl.Int64, eager=True)
        counts = {name: zero for name in self.signals}
        if p.emails:
            text, counts["pii_emails"] = count_and_replace(text, EMAIL, "[EMAIL]")
        if p.id_cards:
            text, counts["pii_id_cards"] = self._mask_ids(text)
        if p.ips:
            text, v6 = count_and_replace(text, IPV6, "[IP]")
            text, v4 = count_and_replace(text, IPV4, "[IP]")
            counts["pii_ips"] = v4 + v6
        if p.phones:
            phones = zero
            for pattern in (CN_MOBILE, CN_LANDLINE, INTL_PHONE):
                text, n = count_and_replace(text, pattern, "[PHONE]")
                phones = phones + n
            counts["pii_phones"] = phones
        return batch.with_columns(
            text.alias(col), *(series.alias(name) for name, series in counts.items())
        )

    @staticmethod
    def _mask_ids(text: pl.Series) -> tuple[pl.Series, pl.Series]:
        """Mask ID-shaped numbers whose checksum holds (the rest are other numbers)."""
        candidates = text.str.contains(CN_ID).fill_null(False)
        counts = pl.zeros(text.len(), dtype=pl.Int64, eager=True)
        if not candidates.any():
            return text, counts
        import re

        pattern = re.compile(
            r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
            r"(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
        )
        found: dict[int, int] = {}

        def mask(value: str, row: list[int]) -> str:
            def one(match: re.Match[str]) -> str:
                if valid_cn_id(match.group(0)):
                    row[0] += 1
                    return "[ID]"
                return match.group(0)
            return pattern.sub(one, value)

        values = text.to_list()
        for i in candidates.arg_true().to_list():
            row = [0]
            values[i] = mask(values[i], row)
            found[i] = row[0]
        counts = counts.scatter(list(found), list(found.values()))
        return pl.Series(text.name, values, dtype=pl.String), counts
