"""The shop's tests run against a real payment service: `payments serve --with-worker` in
sandbox mode on a fresh database of the embedded PostgreSQL, its four real providers pointed
at the operators' simulators (`payments simulate`), all started once for the run."""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test.runner import DiscoverRunner

from entrypoints.local_service import LocalService, free_port, fresh_database
from entrypoints.simulators.local import LocalSimulators
from shop.tests import service


class ServiceTestRunner(DiscoverRunner):
    def setup_test_environment(self, **kwargs: Any) -> None:
        super().setup_test_environment(**kwargs)
        self._stack = ExitStack()
        log = Path(tempfile.mkdtemp(prefix="shop-tests-")) / "service.log"
        url = self._stack.enter_context(fresh_database())
        port = free_port()
        simulated = LocalSimulators(f"http://127.0.0.1:{port}", approve_delay=1.0)
        service.simulators = self._stack.enter_context(simulated)
        service.running = self._stack.enter_context(
            LocalService(database_url=url, port=port, log_file=log, env=simulated.service_env)
        )
        settings.PAYMENTS_URL = service.running.url

    def teardown_test_environment(self, **kwargs: Any) -> None:
        self._stack.close()
        super().teardown_test_environment(**kwargs)
