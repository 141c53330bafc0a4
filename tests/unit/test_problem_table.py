"""Every error the application can raise has its problem answer (a stable code, never a 500):
the test walks the exception classes of the domain, the application and the adapters, so a
new error without a row in `problems.TABLE` fails here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

from application.errors import ConcurrentChange
from domain.errors import PaymentError
from entrypoints.http.problems import TABLE, error_response

LAYERS = ("domain", "application", "adapters")


def _modules() -> list[ModuleType]:
    found = []
    for layer in LAYERS:
        package = importlib.import_module(layer)
        found.append(package)
        for info in pkgutil.walk_packages(package.__path__, f"{layer}."):
            found.append(importlib.import_module(info.name))
    return found


def application_errors() -> set[type[BaseException]]:
    """Exceptions defined in the domain or the application, and every `PaymentError` an
    adapter defines (the adapters' own technical errors are translated before they leave)."""
    errors: set[type[BaseException]] = set()
    for module in _modules():
        for value in vars(module).values():
            if not (inspect.isclass(value) and issubclass(value, BaseException)):
                continue
            if value.__module__ != module.__name__ or value is PaymentError:
                continue
            inner = module.__name__.startswith(("domain", "application"))
            if inner or issubclass(value, PaymentError):
                errors.add(value)
    return errors


def test_the_walk_finds_the_errors_it_must() -> None:
    found = application_errors()
    assert ConcurrentChange in found
    assert len(found) > 30


def test_every_application_error_has_a_problem() -> None:
    unmapped = [e for e in application_errors() if not any(k in TABLE for k in e.__mro__)]
    missing = sorted(f"{e.__module__}.{e.__qualname__}" for e in unmapped)
    assert not missing, "add a row to problems.TABLE for: " + ", ".join(missing)


def test_a_concurrent_change_is_a_409_not_a_500() -> None:
    response = error_response(ConcurrentChange("payment pay_1 changed meanwhile"))
    assert response.status_code == 409
    assert b'"code":"concurrent_change"' in bytes(response.content)
