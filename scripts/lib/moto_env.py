"""How every moto of this project runs, whoever starts it (scripts/lib/
emulator.sh, test-support's PrivateEmulator, the benches): imported by
moto-server.py and moto-keepalive.py before moto itself. A value already in
the environment wins.

- TOTP codes are checked, as Cognito does (the tests compute them); without
  this moto accepts any code.
- Pool and client ids are hashes of their names, so that they stay the same
  when the emulator restarts."""
import os

for key, value in {
    "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
    "MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY": "HASH",
    "MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY": "HASH",
}.items():
    os.environ.setdefault(key, value)
