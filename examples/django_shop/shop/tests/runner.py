"""The shop's tests run against a real payment service: `payments serve --with-worker` in
sandbox mode on a fresh database of the embedded PostgreSQL, its four real providers pointed
at the operators' simulators (`payments simulate`), all started once for the run."""

from __future__ import annotations

import faulthandler
import os
import sys
import tempfile
import threading
import unittest
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test.runner import DiscoverRunner

from entrypoints.local_service import LocalService, free_port, fresh_database
from entrypoints.simulators.local import LocalSimulators
from shop.tests import service

#: No test of this suite takes two minutes here (a browser test that makes a purchase again
#: after its browser stopped answering, four); one that takes eight is stuck, and the run
#: should say where rather than wait.
TEST_DEADLINE_SECONDS = float(os.environ.get("SHOP_TEST_DEADLINE", "480"))


class WatchedResult(unittest.TextTestResult):
    """A result that arms a watchdog for each test: past the deadline, every thread's stack is
    printed, what the run started is stopped (a minute at most) and the run exits with
    status 1."""

    cleanup: ExitStack | None = None

    def startTest(self, test: unittest.TestCase) -> None:
        self._watchdog = threading.Timer(TEST_DEADLINE_SECONDS, _stuck, args=[str(test)])
        self._watchdog.daemon = True
        self._watchdog.start()
        super().startTest(test)

    def stopTest(self, test: unittest.TestCase) -> None:
        self._watchdog.cancel()
        super().stopTest(test)


def _stuck(test: str) -> None:
    print(f"\n{test} is still running after {TEST_DEADLINE_SECONDS:.0f} s:", file=sys.stderr)
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    if WatchedResult.cleanup is not None:
        stopping = threading.Thread(target=WatchedResult.cleanup.close, daemon=True)
        stopping.start()
        stopping.join(timeout=60)
    sys.stderr.flush()
    os._exit(1)


class ServiceTestRunner(DiscoverRunner):
    def get_resultclass(self) -> type[unittest.TextTestResult]:
        return WatchedResult

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
        WatchedResult.cleanup = self._stack

    def teardown_test_environment(self, **kwargs: Any) -> None:
        self._stack.close()
        super().teardown_test_environment(**kwargs)
