"""The 47 prefectures of Japan: JIS X 0401 code, Japanese and English names.

Services store the two-digit code ("23"); people may type the code, the English name
("Aichi", case-insensitive, with or without "-ken") or the Japanese name ("愛知県" or "愛知").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Prefecture:
    code: str
    ja: str
    en: str

    def name(self, language: str | None = None) -> str:
        """The Japanese name on Japanese and Chinese pages (the same characters), else English."""
        language = language or get_language() or "en"
        return self.ja if language.startswith(("ja", "zh")) else self.en


PREFECTURES: tuple[Prefecture, ...] = tuple(
    Prefecture(code, ja, en)
    for code, ja, en in [
        ("01", "北海道", "Hokkaido"), ("02", "青森県", "Aomori"), ("03", "岩手県", "Iwate"),
        ("04", "宮城県", "Miyagi"), ("05", "秋田県", "Akita"), ("06", "山形県", "Yamagata"),
        ("07", "福島県", "Fukushima"), ("08", "茨城県", "Ibaraki"), ("09", "栃木県", "Tochigi"),
        ("10", "群馬県", "Gunma"), ("11", "埼玉県", "Saitama"), ("12", "千葉県", "Chiba"),
        ("13", "東京都", "Tokyo"), ("14", "神奈川県", "Kanagawa"), ("15", "新潟県", "Niigata"),
        ("16", "富山県", "Toyama"), ("17", "石川県", "Ishikawa"), ("18", "福井県", "Fukui"),
        ("19", "山梨県", "Yamanashi"), ("20", "長野県", "Nagano"), ("21", "岐阜県", "Gifu"),
        ("22", "静岡県", "Shizuoka"), ("23", "愛知県", "Aichi"), ("24", "三重県", "Mie"),
        ("25", "滋賀県", "Shiga"), ("26", "京都府", "Kyoto"), ("27", "大阪府", "Osaka"),
        ("28", "兵庫県", "Hyogo"), ("29", "奈良県", "Nara"), ("30", "和歌山県", "Wakayama"),
        ("31", "鳥取県", "Tottori"), ("32", "島根県", "Shimane"), ("33", "岡山県", "Okayama"),
        ("34", "広島県", "Hiroshima"), ("35", "山口県", "Yamaguchi"), ("36", "徳島県", "Tokushima"),
        ("37", "香川県", "Kagawa"), ("38", "愛媛県", "Ehime"), ("39", "高知県", "Kochi"),
        ("40", "福岡県", "Fukuoka"), ("41", "佐賀県", "Saga"), ("42", "長崎県", "Nagasaki"),
        ("43", "熊本県", "Kumamoto"), ("44", "大分県", "Oita"), ("45", "宮崎県", "Miyazaki"),
        ("46", "鹿児島県", "Kagoshima"), ("47", "沖縄県", "Okinawa"),
    ]
)
BY_CODE: dict[str, Prefecture] = {p.code: p for p in PREFECTURES}
CODES: tuple[str, ...] = tuple(BY_CODE)
_SUFFIXES_EN = ("-ken", "-fu", "-to", " prefecture", " ken", " fu", " to")


def _lookup_table() -> dict[str, Prefecture]:
    table: dict[str, Prefecture] = {}
    for p in PREFECTURES:
        table[p.code] = p
        table[str(int(p.code))] = p
        table[p.en.lower()] = p
        table[p.ja] = p
        short = p.ja[:-1] if p.ja[-1] in "都府県" and p.ja != "北海道" else p.ja
        table[short] = p
    return table


_LOOKUP = _lookup_table()


def prefecture_lookup(value: str) -> Prefecture | None:
    """The prefecture named by a code, an English or a Japanese name; None when unknown."""
    key = value.strip()
    if not key:
        return None
    lowered = key.lower()
    for suffix in _SUFFIXES_EN:
        if lowered.endswith(suffix) and lowered[: -len(suffix)] in _LOOKUP:
            lowered = lowered[: -len(suffix)]
            break
    return _LOOKUP.get(key) or _LOOKUP.get(lowered)


def prefecture_choices(language: str | None = None) -> list[tuple[str, str]]:
    return [(p.code, p.name(language)) for p in PREFECTURES]
