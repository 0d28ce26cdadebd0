# Settings of the demo binaries and of `provision`. Copy to settings.sh
# (git-ignored: it holds a secret) and fill in. KEY=VALUE lines, quoted and
# commented as in the shell; environment variables of the same name override
# these values.

# AWS account id (written by `provision iam-user`).
AWS_ID=
# IAM user the demo runs as (written by `provision iam-user`).
USER_NAME=
# Access key of that user; leave both empty to use the standard AWS
# credential chain (environment, profile, SSO, instance role).
ACCESS_KEY_ID=
SECRET_ACCESS_KEY=
# Region of the DynamoDB session table.
AWS_REGION=eu-west-3
# DynamoDB table holding the sessions.
TABLE_NAME=aws-express-session-dynamodb-cognito
# Region of the Cognito user pool (Cognito is not in every region); empty:
# the region of POOL_ID, which a different one contradicts.
COGNITO_REGION=eu-west-1
# Name of the Cognito user pool (`provision cognito` creates it).
POOL_NAME=aws-express-session-dynamodb-cognito
# Id of the user pool and of its app client (written by `provision cognito`).
POOL_ID=
CLIENT_ID=
# Secret of the app client, only if it has one.
CLIENT_SECRET=
# Stage 2's login: srp (the default; the password itself never goes to
# Cognito) or password (USER_PASSWORD_AUTH, over TLS; of the local emulators,
# moto checks only this one, which `DEMO_EMULATOR=moto scripts/demo` uses).
COGNITO_AUTH_FLOW=srp
# Stage 2's ways to sign in: form (the login page's form; the default),
# hosted (Cognito's managed login, the hosted sign-in page), or both. The
# hosted page needs a domain on the pool and an app client set up for it
# (`provision cognito` does both).
COGNITO_LOGIN=
# The app's address as browsers reach it, without a path; empty:
# http://localhost:PORT. The hosted page comes back to APP_URL/auth/callback,
# and its logout to APP_URL/ (`provision cognito` registers both).
APP_URL=
# Key signing and encrypting the session cookie: 64 bytes or more, or a
# shorter passphrase (stretched with a KDF; under 32 bytes, a warning).
# Empty: a random key at each start, which logs everyone out on restart.
# Generate: openssl rand -base64 64
SESSION_SECRET=
# Set only for a local emulator, e.g. http://127.0.0.1:5000; empty for AWS.
AWS_ENDPOINT_URL=
# Port of the demo web server.
PORT=3000
# Address to listen on; empty: 127.0.0.1 (0.0.0.0 for every interface).
HOST=
# Send the session cookie only over HTTPS (true). Set false only for plain
# http on localhost, as scripts/demo does.
COOKIE_SECURE=true
# Seconds a session lives after its last request; empty: the original's 8 in
# stage 1, 150 in stage 2.
SESSION_TTL=
# Seconds a session lives at most after it began, however active; empty: no
# limit (each request extends it by SESSION_TTL).
SESSION_MAX_LIFETIME=
# Seconds: an unchanged session's expiry is written at most this often
# (and at least every half SESSION_TTL while it is in use); empty: 30.
TOUCH_INTERVAL=
# Proxies in front of the app (load balancer, CDN), as addresses or CIDR
# ranges separated by commas: their X-Forwarded-For names the user's address,
# which stage 2 sends to Cognito's threat protection. Empty: the peer's
# address is the user's, and the header is ignored.
TRUSTED_PROXIES=
# Seconds a DynamoDB call may take before the request gets the 503 page;
# empty: 3.
DYNAMODB_TIMEOUT=
# Stage 2: how many seconds before the access token expires it is
# refreshed; empty: 60.
TOKEN_REFRESH_MARGIN=
