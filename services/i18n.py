"""Every user-facing string, in English and Simplified Chinese, behind one helper."""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "简体中文"}

MESSAGES: dict[str, dict[str, str]] = {
    "auth.invalid_credentials": {
        "en": "The e-mail or password is not correct.",
        "zh": "邮箱或密码不正确。",
    },
    "auth.locked": {
        "en": "Too many failed attempts. This account is locked until {until}.",
        "zh": "失败次数过多，账户已锁定至 {until}。",
    },
    "access.denied": {
        "en": "You do not have access to that page.",
        "zh": "您无权访问该页面。",
    },
    "auth.required": {"en": "Please sign in.", "zh": "请先登录。"},
    "page.number_invalid": {"en": "The page number must be 1 or more.", "zh": "页码必须大于等于 1。"},
    "page.size_invalid": {
        "en": "The page size must be between 1 and {max}.",
        "zh": "每页条数必须在 1 到 {max} 之间。",
    },
}


def translate(key: str, language: str = "en", **params: object) -> str:
    """The message `key` in `language` (English when missing), with `params` filled in.
    An unknown key comes back as itself, so a missing string shows, never crashes."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(language) or entry["en"]
    return text.format(**params) if params else text


def catalogue(language: str) -> dict[str, str]:
    """All messages in one language (what the page loads into its state)."""
    return {key: entry.get(language) or entry["en"] for key, entry in MESSAGES.items()}
