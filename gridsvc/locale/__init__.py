"""The interface's words in the request's language (DESIGN.md "Language").

The source language is Simplified Chinese: a message id is the Chinese text, so Chinese needs no
catalog and a missing English entry shows as Chinese rather than as an empty string. English
lives in ``en/LC_MESSAGES/messages.po``; ``make messages`` extracts, updates and compiles it.
The language is the one `gridsvc.domain.errors.message_language` holds for the current request,
so templates rendered concurrently each read their own."""

from __future__ import annotations

from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations
from jinja2 import Environment

from ..domain.errors import Language, message_language

LOCALE_DIR = Path(__file__).resolve().parent
# The BCP 47 tag a page declares (<html lang>) for each language.
HTML_LANG: dict[Language, str] = {"zh": "zh-CN", "en": "en"}


@cache
def translations(language: Language) -> NullTranslations:
    if language == "zh":
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def gettext(message: str) -> str:
    return translations(message_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(message_language.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A message whose English depends on where it stands (a button "Approve", a history "approved")."""
    return translations(message_language.get()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; `_()` translates it where shown."""
    return message


def install(env: Environment) -> None:
    """`_()`, `gettext()` and `ngettext()` in templates, looked up per render (newstyle: the
    template's `_("…%(n)s", n=…)` formats after translating and escapes its arguments)."""
    env.add_extension("jinja2.ext.i18n")
    # the i18n extension adds install_gettext_callables to the Environment at run time
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext)
    env.globals["html_lang"] = lambda: HTML_LANG[message_language.get()]
    env.globals["language"] = lambda: message_language.get()
