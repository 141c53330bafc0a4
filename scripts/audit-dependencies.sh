#!/bin/sh
# `make audit` (part of `make test`): the locked dependencies (uv.lock, every group) checked for
# known vulnerabilities by pip-audit against PyPI's advisory data. Where that data cannot be
# reached (no network, a registry mirror without PyPI's JSON API), it says so in one line and
# succeeds: an audit that cannot run must not fail the build, and must not hide either.
# A vulnerable dependency fails it (exit 1), naming the package, version and advisory.
set -eu
UV=${UV:-.uv/bin/uv}
PIP_AUDIT_VERSION=2.10.1
PROBE=${AUDIT_PROBE_URL:-https://pypi.org/pypi/pip-audit/$PIP_AUDIT_VERSION/json}

if ! python3 - "$PROBE" <<'PY'
import json
import sys
import urllib.request

try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as answer:  # noqa: S310 - fixed https URL
        sys.exit(0 if "vulnerabilities" in json.load(answer) else 1)
except Exception:
    sys.exit(1)
PY
then
    echo "dependency audit skipped: PyPI's advisory data ($PROBE) cannot be reached from here"
    exit 0
fi

requirements=$(mktemp)
trap 'rm -f "$requirements"' EXIT
"$UV" export --frozen --all-groups --no-hashes --no-emit-project --no-emit-local \
    --format requirements-txt --output-file "$requirements" --quiet
"$UV" tool run --quiet --from "pip-audit==$PIP_AUDIT_VERSION" pip-audit \
    --requirement "$requirements" --no-deps --disable-pip \
    --vulnerability-service pypi --progress-spinner off
