#!/usr/bin/env python3
"""Reads schemathesis' NDJSON reports of one pass (scripts/schemathesis).

Prints each distinct failure once on standard output (check, operation, status, one request
and answer that show it, how many times it happened) and one summary line on standard error:
the pass, the operations tested, the test cases generated, the checks run and the failures.

    schemathesis_report.py WHO REPORT.ndjson...
"""
import base64
import collections
import json
import sys


def text(value):
    """A recorded body: plain, or base64-wrapped by schemathesis."""
    if isinstance(value, dict) and "$base64" in value:
        return base64.b64decode(value["$base64"]).decode("utf-8", "replace")
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def main():
    who, paths = sys.argv[1], sys.argv[2:]
    groups = collections.OrderedDict()
    operations, cases, checks, failures = set(), 0, 0, 0
    for path in paths:
        for line in open(path, encoding="utf-8"):
            event = json.loads(line).get("ScenarioFinished")
            if not event:
                continue
            recorder = event["recorder"]
            operations.add(recorder.get("label"))
            cases += len(recorder.get("cases", {}))
            for case_id, results in recorder.get("checks", {}).items():
                for check in results:
                    checks += 1
                    if check["status"] != "failure":
                        continue
                    failures += 1
                    failure = check["failure_info"]["failure"]
                    exchange = recorder.get("interactions", {}).get(case_id, {})
                    request = exchange.get("request", {})
                    response = exchange.get("response") or {}
                    key = (failure["code"], failure["operation"], failure["title"],
                           response.get("status_code"))
                    group = groups.setdefault(key, {"n": 0, "example": None})
                    group["n"] += 1
                    if group["example"] is None:
                        group["example"] = (
                            failure.get("message", "").split("\n")[0][:300],
                            f"{request.get('method')} {request.get('uri')}",
                            text(request.get("body"))[:300] if request.get("body") else "",
                            text(response.get("content") or "")[:300],
                        )
    for (code, operation, title, status), group in groups.items():
        message, request, body, answer = group["example"]
        print(f"== {code} {title} | {operation} | answered {status} | x{group['n']}")
        print(f"   {message}")
        print(f"   request: {request} {body}")
        print(f"   answer: {answer}")
    print(f"{who}: {len(operations)} operations, {cases} test cases, {checks} checks, "
          f"{failures} failures", file=sys.stderr)


if __name__ == "__main__":
    main()
