"""Prints the benchmark table from the rows of row.py (file given as argument)."""
import sys
head = ("scenario", "conns", "req/s", "p50 ms", "p99 ms", "app p99 <=", "CPU ms/req",
        "SDK ms", "app ms", "Get/req", "Put/req", "Upd/req")
# An app without the http_request_app_seconds histogram has no such p99.
own_p99_text = lambda ms: "-" if ms == float("inf") else "%.2f ms" % ms
print("%-20s %5s %6s %7s %7s %10s %10s %7s %7s %7s %7s %7s" % head)
for line in open(sys.argv[1]):
    name, conns, rps, p50, p99, own_p99, cpu, sdk_share, get, put, upd = line.rstrip("\n").split("\t")
    cpu, sdk_share = float(cpu), float(sdk_share)
    print("%-20s %5s %6.0f %7.2f %7.2f %10s %10.3f %7.3f %7.3f %7.2f %7.2f %7.2f"
          % (name, conns, float(rps), float(p50), float(p99), own_p99_text(float(own_p99)),
             cpu, cpu * sdk_share, cpu * (1 - sdk_share), float(get), float(put), float(upd)))
