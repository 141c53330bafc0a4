"""The shop's tests run against a real payment service: `payments serve --with-worker` in
sandbox mode on a fresh database of the embedded PostgreSQL, started once for the run."""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test.runner import DiscoverRunner

from entrypoints.local_service import LocalService, fresh_database
from shop.tests import service


class ServiceTestRunner(DiscoverRunner):
    def setup_test_environment(self, **kwargs: Any) -> None:
        super().setup_test_environment(**kwargs)
        self._stack = ExitStack()
        log = Path(tempfile.mkdtemp(prefix="shop-tests-")) / "service.log"
        url = self._stack.enter_context(fresh_database())
        service.running = self._stack.enter_context(LocalService(database_url=url, log_file=log))
        settings.PAYMENTS_URL = service.running.url

    def teardown_test_environment(self, **kwargs: Any) -> None:
        self._stack.close()
        super().teardown_test_environment(**kwargs)
