"""Splits the instructions of a callgrind profile of the app between the AWS
SDK and the app's own code.

Reads `callgrind_annotate --inclusive=yes --threshold=100` output on standard
input and prints the total and the SDK's part, separated by a tab. The SDK's
part is what runs under its roots: every SDK operation runs inside its `invoke`
tracing span (`tracing::Instrumented`, which nothing else in this app uses),
and its HTTP client's connections are tasks of their own (hyper's dispatcher).
Monomorphised generics share one name in a profile, so a root is named by the
generic function; recursion shows as a name ending in "'2", not counted twice.
"""

import re
import sys

SDK_ROOTS = {
    "<tracing::instrument::Instrumented<T> as core::future::future::Future>::poll",
    "hyper::proto::h1::dispatch::Dispatcher<D,Bs,I,T>::poll_catch",
}
LINE = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*?)(?: \[.*\])?$")

total = sdk = 0
seen = set()
for line in sys.stdin:
    m = LINE.match(line)
    if not m:
        continue
    count, where = int(m.group(1).replace(",", "")), m.group(2)
    if where == "PROGRAM TOTALS":
        total = count
        continue
    function = where.split(":", 1)[1] if ":" in where else where
    if function in SDK_ROOTS and function not in seen:
        seen.add(function)
        sdk += count
if total == 0 or seen != SDK_ROOTS:
    sys.exit("instructions-split: no total, or the SDK's roots are missing: %s" % (SDK_ROOTS - seen))
print(total, sdk, sep="\t")
