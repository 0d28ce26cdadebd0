"""Splits the app's CPU samples between the AWS SDK and the app's own code.

Reads `perf script --no-inline -F ip,sym` output (call stacks recorded with
`perf record --call-graph dwarf` on the app process) from standard input and
prints one number: the fraction of samples whose stack runs through the AWS
SDK, its HTTP client (hyper; actix-web serves with actix-http, so hyper in this
process is the SDK's) or its TLS. A sample in the kernel counts for whoever made
the system call. What is left is the app's own: actix-web, actix-session, the
store's own code, templates, metrics, and the event loop the app and the SDK
share (counted as the app's, so the app's share is, if anything, too high).
"""

import re
import sys

SDK_FRAME = re.compile(
    r"aws_smithy_|aws_sdk_|aws_sigv4|aws_runtime|aws_credential_types|aws_types|aws_config"
    r"|\bhyper::|\bhyper_util::|\brustls"
)

samples = sdk = 0
for stack in sys.stdin.read().split("\n\n"):
    frames = stack.strip().splitlines()
    if not frames:
        continue
    samples += 1
    sdk += any(SDK_FRAME.search(frame) for frame in frames)
if samples == 0:
    sys.exit("cpu-split: perf recorded no samples")
print("%.4f" % (sdk / samples))
