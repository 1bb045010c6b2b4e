"""Checks of the celery executor config that its schema cannot express.

The schema accepts any key under ``config_source`` and any string as ``broker`` / ``backend``, but
Celery silently ignores a setting it does not know (a misspelt ``task_default_queu`` leaves the
default queue in place) and fails only when it first connects through a URL with an unknown scheme.
Both the ``dagster-celery`` CLI and the executor (before a run starts) refuse such config with the
message ``celery_config_problem`` returns, which names the config path and suggests a fix.
"""

from __future__ import annotations

import difflib

from dagster import check

CONFIG_PATH = "execution.celery.config"


def celery_config_problem(config: dict) -> str | None:
    """What is wrong with a (schema-valid) celery executor config, or None: URL schemes, then settings."""
    check.dict_param(config, "config")
    return url_scheme_problem(config) or setting_name_problem(config.get("config_source") or {})


def setting_name_problem(config_source: dict) -> str | None:
    """The first ``config_source`` key that is not a Celery setting (with a did-you-mean), or None."""
    from celery.app.defaults import DEFAULTS

    for key in config_source:
        if key in DEFAULTS:
            continue
        close = difflib.get_close_matches(str(key).lower(), list(DEFAULTS), n=1, cutoff=0.7)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        return (
            f"{CONFIG_PATH}.config_source.{key} is not a Celery setting.{hint} "
            "config_source takes Celery's lower-case setting names (e.g. task_default_queue, "
            "worker_concurrency); see https://docs.celeryq.dev/en/stable/userguide/configuration.html"
        )
    return None


def url_scheme_problem(config: dict) -> str | None:
    """The first ``broker:`` or ``backend:`` URL whose scheme Celery does not know, or None."""
    from celery.app.backends import BACKEND_ALIASES
    from kombu.transport import TRANSPORT_ALIASES
    from kombu.utils.url import maybe_sanitize_url

    urls = [("broker", url, sorted(TRANSPORT_ALIASES)) for url in (config.get("broker") or "").split(";")]
    urls.append(("backend", config.get("backend") or "", sorted(BACKEND_ALIASES)))
    for key, url, schemes in urls:
        if "://" not in url and key == "broker":
            continue  # a bare host name: kombu connects to it with the default transport (amqp)
        scheme = url.split("://", 1)[0].split("+", 1)[0]
        if not url or scheme in schemes or "." in scheme:
            continue  # a known scheme, or the import path of a custom transport or backend
        close = difflib.get_close_matches(scheme, schemes, n=1)
        hint = f' Did you mean "{close[0]}://"?' if close else ""
        example = (
            "pyamqp://guest@127.0.0.1:5672// or redis://127.0.0.1:6379/0" if key == "broker" else "rpc://"
        )
        return (
            f'{CONFIG_PATH}.{key} "{maybe_sanitize_url(url)}" is not a URL Celery can use: its scheme must '
            f"be one of {', '.join(schemes)}.{hint} For example: {example}"
        )
    return None
