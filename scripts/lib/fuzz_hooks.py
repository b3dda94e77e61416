"""Schemathesis hooks of scripts/fuzz-server.sh: the check that no request makes kairo-server fail internally."""

import schemathesis


@schemathesis.check
def not_an_internal_error(ctx, response, case):
    """500 (a handler or store failure) and any 5xx other than the documented 502/503 fail the run."""
    status = response.status_code
    if status == 500 or (status >= 500 and status not in (502, 503)):
        raise AssertionError(f"{case.method} {case.formatted_path} answered {status}: {response.text[:300]}")
